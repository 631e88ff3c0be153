/* Stage 2 of the approximate cascade solver (cascade_approx.c): local search
 * with the true p_ij from the ranked programs' best list. Variable
 * neighbourhood descent: the best move of the cheapest neighbourhood that
 * still gains more than a relative 1e-12, back to the cheapest after every
 * move (Hansen, Mladenovic 2001):
 *   a. one or two positions change, with no scan over the unshown ads:
 *      empty a position; put there the best unshown ad for what follows it;
 *      swap two positions; move an ad to another position in place of one
 *      that leaves, the freed position left empty or given its best unshown
 *      ad (ejection chains of length two). O(m^2) moves priced in O(1) each,
 *      after O(n m) to find each position's best new ad;
 *   b. as a, with an unshown ad at the earlier of two changed positions,
 *      which needs a scan of the ads per pair: O(n m^2);
 *   c. take one shown ad out of the reading order, put it back within two
 *      places, and re-place the new order optimally (a dynamic program over
 *      the order and the positions): changes the order and shifts positions
 *      at once, which no move of a or b can; O(k^2 m). (Any wider window
 *      found nothing more on 20000 random instances.)
 * Moves are priced from prefix welfare P_j, reach R_j and suffix values S_j,
 * as W = P_j + R_j S_j at every j. Every accepted move raises the welfare, so
 * no list repeats and the search ends. Scans over unshown ads at position j
 * only visit its pool (cascade_approx.c): an ad with k + 2 others at least as
 * good there in both what they add and what they pass on can never be the
 * best available one, as at most k are shown and one is skipped.
 *
 * Ties: the first of equally good moves in scan order wins. */
#include <math.h>

#include "cascade_approx.h"

/* P_j, R_j and S_j of the current list; returns how many ads it shows. */
static uint32_t profile(const aigc_instance *in, const approx_ws *a)
{
    uint32_t m = in->m, shown = 0;
    a->prefix[0] = 0.0;
    a->reach[0] = 1.0;
    for (uint32_t j = 0; j < m; j++) {
        int32_t i = a->ad_at[j];
        a->prefix[j + 1u] = a->prefix[j];
        a->reach[j + 1u] = a->reach[j];
        if (i == AIGC_NOT_SHOWN)
            continue;
        a->prefix[j + 1u] += a->reach[j] * gain_of(a, m, i, j);
        a->reach[j + 1u] *= pass_of(a, m, i, j);
        shown++;
    }
    a->suffix[m] = 0.0;
    for (uint32_t j = m; j-- > 0;) {
        int32_t i = a->ad_at[j];
        a->suffix[j] = a->suffix[j + 1u];
        if (i != AIGC_NOT_SHOWN)
            a->suffix[j] = gain_of(a, m, i, j) + pass_of(a, m, i, j) * a->suffix[j + 1u];
    }
    return shown;
}

/* A change of one position (lo) or two (lo < hi). */
typedef struct {
    double gain;
    uint32_t lo, hi;
    int32_t put_lo, put_hi;
    int two;
} move;

static inline void consider(move *best, double gain, uint32_t lo, int32_t put_lo, int two,
                            uint32_t hi, int32_t put_hi)
{
    if (gain > best->gain)
        *best = (move){gain, lo, hi, put_lo, put_hi, two};
}

/* The best available ad at position j for each of two values of what
 * follows it (rest[0], rest[1]) per unit of reach; AIGC_NOT_SHOWN when none
 * is available. One pass over the ads serves both. */
static void best_unshown2(const approx_ws *a, uint32_t n, uint32_t j, const double rest[2],
                          int32_t u[2], double f[2])
{
    const double *g = a->gain + (size_t)j * n, *c = a->pass + (size_t)j * n;
    const uint32_t *pool = a->pool + (size_t)j * n;
    u[0] = u[1] = AIGC_NOT_SHOWN;
    f[0] = f[1] = -HUGE_VAL;
    for (uint32_t t = 0; t < a->pool_len[j]; t++) {
        uint32_t i = pool[t];
        if (!a->avail[i])
            continue;
        double v0 = g[i] + c[i] * rest[0], v1 = g[i] + c[i] * rest[1];
        if (v0 > f[0])
            f[0] = v0, u[0] = (int32_t)i;
        if (v1 > f[1])
            f[1] = v1, u[1] = (int32_t)i;
    }
}

/* Per position j, the best available ad there with the list after j as it
 * is: cand[j], worth cand_value[j] per unit of reach at j. */
static void candidates(const aigc_instance *in, const approx_ws *a)
{
    for (uint32_t j = 0; j < in->m; j++) {
        double rest[2] = {a->suffix[j + 1u], a->suffix[j + 1u]}, f[2];
        int32_t u[2];
        best_unshown2(a, in->n, j, rest, u, f);
        a->cand[j] = u[0];
        a->cand_value[j] = f[0];
    }
}

/* Neighbourhood a from position lo (see the header), priced against S_lo.
 * `room` is how many more ads may be shown. */
static void cheap_moves(const aigc_instance *in, const approx_ws *a, int room, uint32_t lo,
                        move *best)
{
    uint32_t m = in->m;
    double r = a->reach[lo], here = a->suffix[lo];
    int32_t x = a->ad_at[lo];
    int has_x = x != AIGC_NOT_SHOWN;
    if (has_x)
        consider(best, r * (a->suffix[lo + 1u] - here), lo, AIGC_NOT_SHOWN, 0, 0, 0);
    if ((has_x || room > 0) && a->cand[lo] != AIGC_NOT_SHOWN)
        consider(best, r * (a->cand_value[lo] - here), lo, a->cand[lo], 0, 0, 0);
    /* mid, pass: value and pass-on share of lo+1..hi-1, which stay. */
    double mid = 0.0, pass = 1.0;
    for (uint32_t hi = lo + 1u; hi < m; hi++) {
        int32_t y = a->ad_at[hi], u = a->cand[hi];
        int has_y = y != AIGC_NOT_SHOWN;
        int free = has_x + has_y + room; /* ads that may stand at lo and hi */
        double after = a->suffix[hi + 1u], keep = mid + pass * after;
        /* x moved down to hi, lo then empty: the rest from lo on. */
        double down = has_x ? mid + pass * (gain_of(a, m, x, hi) + pass_of(a, m, x, hi) * after)
                            : keep;
        if (has_y) { /* y moves up to lo; hi gets x, its best new ad or nothing */
            double g = gain_of(a, m, y, lo), c = pass_of(a, m, y, lo);
            consider(best, r * (g + c * down - here), lo, y, 1, hi, x);
            if (has_x)
                consider(best, r * (g + c * keep - here), lo, y, 1, hi, AIGC_NOT_SHOWN);
            if (u != AIGC_NOT_SHOWN && free >= 2)
                consider(best, r * (g + c * (mid + pass * a->cand_value[hi]) - here), lo, y, 1,
                         hi, u);
        }
        if (has_x)
            consider(best, r * (down - here), lo, AIGC_NOT_SHOWN, 1, hi, x);
        /* lo left empty; hi gets its best new ad or nothing. */
        if (has_x && has_y)
            consider(best, r * (keep - here), lo, AIGC_NOT_SHOWN, 1, hi, AIGC_NOT_SHOWN);
        if (u != AIGC_NOT_SHOWN && (has_x || has_y) && free >= 1)
            consider(best, r * (mid + pass * a->cand_value[hi] - here), lo, AIGC_NOT_SHOWN, 1,
                     hi, u);
        if (has_y) {
            mid += pass * gain_of(a, m, y, hi);
            pass *= pass_of(a, m, y, hi);
        }
    }
}

/* Neighbourhood b from position lo: lo gets an unshown ad while hi gets x
 * (moved down) or is emptied. */
static void scan_moves(const aigc_instance *in, const approx_ws *a, int room, uint32_t lo,
                       move *best)
{
    uint32_t n = in->n, m = in->m;
    double r = a->reach[lo], here = a->suffix[lo];
    int32_t x = a->ad_at[lo];
    int has_x = x != AIGC_NOT_SHOWN;
    double mid = 0.0, pass = 1.0;
    for (uint32_t hi = lo + 1u; hi < m; hi++) {
        int32_t y = a->ad_at[hi];
        int has_y = y != AIGC_NOT_SHOWN;
        int free = has_x + has_y + room;
        double after = a->suffix[hi + 1u];
        if (has_x || has_y) {
            double down = has_x ? mid + pass * (gain_of(a, m, x, hi) +
                                                pass_of(a, m, x, hi) * after)
                                : 0.0;
            double rest[2] = {down, mid + pass * after}, f[2];
            int32_t v[2];
            best_unshown2(a, n, lo, rest, v, f);
            if (has_x && v[0] != AIGC_NOT_SHOWN && free >= 2)
                consider(best, r * (f[0] - here), lo, v[0], 1, hi, x);
            if (has_y && v[1] != AIGC_NOT_SHOWN && free >= 1)
                consider(best, r * (f[1] - here), lo, v[1], 1, hi, AIGC_NOT_SHOWN);
        }
        if (has_y) {
            mid += pass * gain_of(a, m, y, hi);
            pass *= pass_of(a, m, y, hi);
        }
    }
}

static void apply_move(const approx_ws *a, const move *mv, int32_t *position)
{
    /* Clear both first, so that an ad moving between them is not marked
     * available after it has been placed. */
    put(a, position, mv->lo, AIGC_NOT_SHOWN);
    if (mv->two)
        put(a, position, mv->hi, AIGC_NOT_SHOWN);
    put(a, position, mv->lo, mv->put_lo);
    if (mv->two)
        put(a, position, mv->hi, mv->put_hi);
}

/* Best placement of the ads seq[0..len-1], in this order, some possibly
 * left out, into the m positions: over t and positions j,
 *     V(t, j) = max(V(t+1, j), V(t, j+1), g_tj + c_tj V(t+1, j+1)).
 * Computes layers from-1 .. 0 into v (layer t at v + t (m + 1)), given
 * layer `from` at `start`; decisions to ch when not NULL. O(from m). */
static double order_layers(const aigc_instance *in, const approx_ws *a, const int32_t *seq,
                           uint32_t from, const double *start, double *v, unsigned char *ch)
{
    uint32_t m = in->m, w = m + 1u;
    const double *next = start;
    for (uint32_t t = from; t-- > 0;) {
        double *cur = v + (size_t)t * w;
        cur[m] = 0.0;
        for (uint32_t j = m; j-- > 0;) {
            double best = next[j];
            unsigned char pick = SKIP_AD;
            if (cur[j + 1u] > best)
                best = cur[j + 1u], pick = EMPTY_POS;
            double place = gain_of(a, m, seq[t], j) + pass_of(a, m, seq[t], j) * next[j + 1u];
            if (place > best)
                best = place, pick = PLACE;
            cur[j] = best;
            if (ch)
                ch[(size_t)t * w + j] = pick;
        }
        next = cur;
    }
    return next[0];
}

/* shown_seq with the ad at index `from` reinserted before index `to`
 * (to == len: at the end), into trial_seq. */
static void reinsert(const approx_ws *a, uint32_t len, uint32_t from, uint32_t to)
{
    uint32_t s = 0;
    for (uint32_t t = 0; t < len; t++) {
        if (t == from)
            continue;
        if (t == to)
            a->trial_seq[s++] = a->shown_seq[from];
        a->trial_seq[s++] = a->shown_seq[t];
    }
    if (to == len)
        a->trial_seq[s] = a->shown_seq[from];
}

/* Neighbourhood c, for reinsertions within REORDER_WINDOW places of the
 * ad's own. A trial order agrees with the current one after its last
 * changed index, so its program starts from the current order's layer
 * there. Returns 1 when it applied a gain above `floor`. */
enum { REORDER_WINDOW = 2 };
static int reorder(const aigc_instance *in, const approx_ws *a, double floor,
                   int32_t *position)
{
    uint32_t len = 0, m = in->m, w = m + 1u;
    for (uint32_t j = 0; j < m; j++)
        if (a->ad_at[j] != AIGC_NOT_SHOWN)
            a->shown_seq[len++] = a->ad_at[j];
    double *base = a->layer_a, *trial = a->layer_b;
    for (uint32_t j = 0; j <= m; j++)
        base[(size_t)len * w + j] = 0.0;
    order_layers(in, a, a->shown_seq, len, base + (size_t)len * w, base, NULL);
    double bar = a->prefix[m] + floor, best = bar;
    uint32_t from = 0, to = 0;
    for (uint32_t x = 0; x < len; x++) {
        uint32_t lo = x > REORDER_WINDOW ? x - REORDER_WINDOW : 0;
        uint32_t hi = x + REORDER_WINDOW + 1u < len ? x + REORDER_WINDOW + 1u : len;
        for (uint32_t y = lo; y <= hi; y++) {
            if (y == x || y == x + 1u)
                continue; /* the order unchanged */
            reinsert(a, len, x, y);
            uint32_t last = y > x ? y - 1u : x; /* the last index that changed */
            double v = order_layers(in, a, a->trial_seq, last + 1u,
                                    base + (size_t)(last + 1u) * w, trial, NULL);
            if (v > best)
                best = v, from = x, to = y;
        }
    }
    if (!(best > bar))
        return 0;
    reinsert(a, len, from, to);
    for (uint32_t j = 0; j <= m; j++)
        trial[(size_t)len * w + j] = 0.0;
    order_layers(in, a, a->trial_seq, len, trial + (size_t)len * w, trial, a->order_choice);
    for (uint32_t j = 0; j < m; j++)
        put(a, position, j, AIGC_NOT_SHOWN);
    for (uint32_t t = 0, j = 0; t < len && j < m;) {
        unsigned char pick = a->order_choice[(size_t)t * w + j];
        if (pick == PLACE)
            put(a, position, j++, a->trial_seq[t++]);
        else if (pick == EMPTY_POS)
            j++;
        else
            t++;
    }
    return 1;
}

void cascade_search(const aigc_instance *in, const approx_ws *a, uint32_t k, int32_t *position)
{
    for (;;) {
        uint32_t shown = profile(in, a);
        int room = (int)k - (int)shown;
        double floor = 1e-12 * a->prefix[in->m];
        move best = {floor > 0.0 ? floor : 0.0, 0, 0, 0, 0, 0};
        double bar = best.gain;
        candidates(in, a);
        for (uint32_t lo = 0; lo < in->m; lo++)
            cheap_moves(in, a, room, lo, &best);
        if (!(best.gain > bar))
            for (uint32_t lo = 0; lo < in->m; lo++)
                scan_moves(in, a, room, lo, &best);
        if (best.gain > bar) {
            apply_move(a, &best, position);
            continue;
        }
        if (!reorder(in, a, bar, position))
            return;
    }
}
