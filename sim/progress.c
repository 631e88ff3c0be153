/* Progress reporting; see progress.h. */
#include "progress.h"

#include <unistd.h>

#include "phase_clock.h"

void progress_start(progress *p, FILE *out, uint64_t rounds, uint64_t first)
{
    p->first = first;
    p->out = out;
    p->tty = out ? isatty(fileno(out)) : 0;
    p->rounds = rounds;
    p->start = p->last_draw = phase_now();
    p->last_decile = (int)(first * 10 / (rounds ? rounds : 1));
}

static void draw(progress *p, uint64_t done, double now)
{
    double elapsed = now - p->start;
    double rate = elapsed > 0.0 ? (double)(done - p->first) / elapsed : 0.0;
    double eta = rate > 0.0 ? (double)(p->rounds - done) / rate : 0.0;
    fprintf(p->out, "%sround %llu/%llu  %.1f rounds/s  ETA %.0f s%s", p->tty ? "\r\033[K" : "",
            (unsigned long long)done, (unsigned long long)p->rounds, rate, eta,
            p->tty ? "" : "\n");
    fflush(p->out);
}

void progress_update(progress *p, uint64_t done)
{
    if (!p->out || p->rounds == 0)
        return;
    double now = phase_now();
    if (p->tty) {
        /* Redrawing more than a few times a second only costs time. */
        if (now - p->last_draw >= 0.25 || done == p->rounds) {
            draw(p, done, now);
            p->last_draw = now;
        }
        return;
    }
    int decile = (int)(done * 10 / p->rounds);
    if (decile > p->last_decile) {
        p->last_decile = decile;
        draw(p, done, now);
    }
}

void progress_finish(progress *p)
{
    if (p->out && p->tty) {
        fputc('\n', p->out);
        fflush(p->out);
    }
}
