/* Auctions per second of the AIGC models (allocation + VCG payments), one
 * core, on random instances from a fixed seed: 20 ads x 5 positions and
 * 100 ads x 10 positions, k = m. ctr / attractions / click probabilities are
 * separable plus noise (a_i b_j times a factor in [0.8, 1.2]), values
 * lognormal, continuation probabilities in [0.5, 1]. A pool of instances is
 * drawn first, so the timing covers the mechanism only. The exact cascade
 * solver (exponential in n) is timed at 12 ads x 5 positions only.
 *
 *   usage: aigc_bench [seconds per case, default 1] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aigc.h"
#include "rng.h"

enum { POOL = 256 };

typedef struct {
    uint32_t n, m;
    double *ctr, *value, *cont;
    aigc_instance in[POOL];
} pool;

/* CPU time of this process: the figures then hold up on a shared machine,
 * and the program is single-threaded, so it equals wall time when idle. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes);
    if (!p) {
        fprintf(stderr, "aigc_bench: out of memory\n");
        exit(1);
    }
    return p;
}

static void draw_pool(pool *p, uint32_t n, uint32_t m, double ctr_scale, uint64_t seed)
{
    pcg32 g;
    pcg32_seed(&g, seed, n * 1000u + m);
    p->n = n;
    p->m = m;
    p->ctr = xmalloc(sizeof(double) * POOL * n * m);
    p->value = xmalloc(sizeof(double) * POOL * n);
    p->cont = xmalloc(sizeof(double) * POOL * n);
    for (uint32_t a = 0; a < POOL; a++) {
        double *ctr = p->ctr + (size_t)a * n * m, *v = p->value + (size_t)a * n;
        double *q = p->cont + (size_t)a * n, b[64];
        for (uint32_t j = 0; j < m; j++)
            b[j] = 1.0 / (1.0 + 0.3 * j) * (0.7 + 0.3 * rng_uniform01(&g));
        for (uint32_t i = 0; i < n; i++) {
            double quality = rng_uniform01(&g);
            v[i] = rng_lognormal(&g, 0.0, 0.7);
            q[i] = 0.5 + 0.5 * rng_uniform01(&g);
            for (uint32_t j = 0; j < m; j++) {
                double c = ctr_scale * quality * b[j] * (0.8 + 0.4 * rng_uniform01(&g));
                ctr[i * m + j] = c < 1.0 ? c : 1.0;
            }
        }
        p->in[a] = (aigc_instance){n, m, m, ctr, v, q};
    }
}

static void free_pool(pool *p)
{
    free(p->ctr);
    free(p->value);
    free(p->cont);
}

/* Mean revenue over one pass of the pool (a checksum that keeps the work
 * from being optimised away, and a warm-up), then auctions per second: the
 * best of five timed runs of seconds / 5 each, since a shared machine only
 * ever makes a run slower. */
static double measure(const aigc_model *model, const pool *p, double seconds, double *revenue)
{
    void *work = xmalloc(model->workspace_size(p->n, p->m));
    int32_t *position = xmalloc(sizeof(int32_t) * p->n);
    double *clicks = xmalloc(sizeof(double) * p->n), *payment = xmalloc(sizeof(double) * p->n);
    double *price = xmalloc(sizeof(double) * p->n);
    aigc_outcome out = {position, clicks, payment, price, 0.0};
    double sum = 0.0, best = 0.0;
    for (uint32_t a = 0; a < POOL; a++) {
        model->run(&p->in[a], work, &out);
        for (uint32_t i = 0; i < p->n; i++)
            sum += payment[i];
    }
    *revenue = sum / POOL;
    for (int run = 0; run < 5; run++) {
        long done = 0;
        double start = now(), elapsed;
        do {
            for (int r = 0; r < 16; r++, done++)
                model->run(&p->in[done % POOL], work, &out);
            elapsed = now() - start;
        } while (elapsed < seconds / 5.0);
        if ((double)done / elapsed > best)
            best = (double)done / elapsed;
    }
    free(work);
    free(position);
    free(clicks);
    free(payment);
    free(price);
    return best;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    if (!(seconds > 0.0)) {
        fprintf(stderr, "usage: aigc_bench [seconds per case > 0]\n");
        return 2;
    }
    static const uint32_t sizes[][2] = {{20, 5}, {100, 10}};
    static const char *const models[] = {"additive", "mnl", "cascade", "cascade_exact"};
    printf("%-14s %5s %4s %14s %14s\n", "model", "n", "m", "auctions/s", "mean revenue");
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (size_t k = 0; k < sizeof models / sizeof models[0]; k++) {
            const aigc_model *model = aigc_model_find(models[k]);
            /* The exact cascade is exponential in n: a small case only. */
            uint32_t n = sizes[s][0], m = sizes[s][1];
            if (strcmp(model->name, "cascade_exact") == 0) {
                if (s > 0)
                    continue;
                n = 12;
            }
            /* MNL attractions are odds against the outside option. */
            double scale = strcmp(model->name, "mnl") == 0 ? 1.0 : 0.5;
            pool p;
            draw_pool(&p, n, m, scale, 20250603);
            double revenue;
            double rate = measure(model, &p, seconds, &revenue);
            printf("%-14s %5u %4u %14.0f %14.4f\n", model->name, n, m, rate, revenue);
            free_pool(&p);
        }
    }
    return 0;
}
