/* Approximate welfare maximum of the cascade model (cascade.c) for any size:
 * a start from ranked dynamic programs (this file), then a local search
 * (cascade_search.c).
 *
 * When p_ij = p_i does not depend on the position, an exchange argument
 * fixes the order: with c_i = (1 - p_i) q_i, putting a just before b beats b
 * before a iff v_a p_a + c_a v_b p_b >= v_b p_b + c_b v_a p_a, i.e. iff
 *     v_a p_a / (1 - c_a) >= v_b p_b / (1 - c_b),
 * so some optimum lists its ads by decreasing r_i = v_i p_i / (1 - (1 - p_i)
 * q_i), and the best list is the best subsequence of that ranking, which a
 * dynamic program finds (Kempe, Mahdian 2008, "A cascade model for
 * externalities in sponsored search": sort by this ratio, then choose the
 * subset; their continuation probability is our (1 - p_i) q_i).
 *
 * With position-dependent p_ij the ratio is computed from stand-ins for p_i:
 * the ad's mean over positions, and its click probabilities at the first and
 * the last position (CASCADE_RANKINGS rankings in all). For each ranking the
 * program also chooses the positions: over ads t in ranked order, positions
 * j and remaining count r,
 *     V(t, j, r) = max( V(t+1, j, r),                          t not shown
 *                       V(t, j+1, r),                          j left empty
 *                       v p_tj + (1 - p_tj) q_t V(t+1, j+1, r-1) ),
 * the best list whose ads follow that ranking, with the true p_tj; O(n m k)
 * per ranking (O(n m) when k >= m, as the count cannot bind then), and the
 * best list over the rankings starts the search. For position-independent p
 * every ranking is the Kempe-Mahdian one, the start is the optimum (empty
 * positions then change nothing), and the search cannot improve it.
 *
 * VCG solves "without i" (cascade.c) reuse the rankings, the search's pools
 * and the programs' layers below i's place in each ranking: only the layers
 * above it are redone, and the shown ads rank near the top.
 *
 * Measured against the exact solver on random position-dependent instances
 * (tests/test_aigc.c prints the figures), the mean gap is a few thousandths
 * of a percent and the worst a few percent. Ties: rankings are stable (lower
 * index first); the program prefers not showing, then an empty position,
 * then showing, but among equal ads shows the earlier ranked. */
#include "cascade_approx.h"

/* Sizes in the order cascade_approx_carve() takes them. */
static size_t layout(uint32_t n, uint32_t m, size_t *sizes)
{
    size_t nm = (size_t)n * m, m1 = (size_t)m + 1u, rn = (size_t)rankings(m) * n;
    size_t i = 0, total = 0;
    sizes[i++] = sizeof(double) * nm;
    sizes[i++] = sizeof(double) * nm;
    sizes[i++] = sizeof(double) * nm;
    sizes[i++] = sizeof(double) * nm;
    sizes[i++] = n;
    sizes[i++] = sizeof(uint32_t) * nm;
    sizes[i++] = sizeof(uint32_t) * m;
    sizes[i++] = sizeof(uint32_t) * rn;
    sizes[i++] = sizeof(uint32_t) * rn;
    sizes[i++] = sizeof(uint32_t) * 2u;
    sizes[i++] = sizeof(double) * n;
    sizes[i++] = sizeof(uint32_t) * n;
    sizes[i++] = sizeof(int32_t) * m;
    sizes[i++] = sizeof(int32_t) * m;
    sizes[i++] = sizeof(double) * (rn + rankings(m)) * m1 * m1;
    sizes[i++] = rn * m * m1;
    sizes[i++] = nm * m1;
    sizes[i++] = sizeof(double) * m1 * m1;
    sizes[i++] = sizeof(double) * m1 * m1;
    sizes[i++] = m * m1;
    sizes[i++] = sizeof(double) * m1;
    sizes[i++] = sizeof(double) * m1;
    sizes[i++] = sizeof(double) * m1;
    sizes[i++] = sizeof(int32_t) * m;
    sizes[i++] = sizeof(double) * m;
    sizes[i++] = sizeof(int32_t) * m;
    sizes[i++] = sizeof(int32_t) * m;
    for (size_t s = 0; s < i; s++)
        total += ws_round(sizes[s]);
    return total;
}
enum { LAYOUT_PARTS = 27 };

approx_ws cascade_approx_carve(void *work, uint32_t n, uint32_t m)
{
    size_t sz[LAYOUT_PARTS];
    layout(n, m, sz);
    unsigned char *c = cascade_vcg_carve(work, n, m).rest;
    approx_ws a;
    size_t i = 0;
    a.gain = ws_take(&c, sz[i++]);
    a.pass = ws_take(&c, sz[i++]);
    a.gain_am = ws_take(&c, sz[i++]);
    a.pass_am = ws_take(&c, sz[i++]);
    a.avail = ws_take(&c, sz[i++]);
    a.pool = ws_take(&c, sz[i++]);
    a.pool_len = ws_take(&c, sz[i++]);
    a.order = ws_take(&c, sz[i++]);
    a.rank_of = ws_take(&c, sz[i++]);
    a.state = ws_take(&c, sz[i++]);
    a.score = ws_take(&c, sz[i++]);
    a.buffer = ws_take(&c, sz[i++]);
    a.ad_at = ws_take(&c, sz[i++]);
    a.best_at = ws_take(&c, sz[i++]);
    a.values = ws_take(&c, sz[i++]);
    a.choice = ws_take(&c, sz[i++]);
    a.redo = ws_take(&c, sz[i++]);
    a.layer_a = ws_take(&c, sz[i++]);
    a.layer_b = ws_take(&c, sz[i++]);
    a.order_choice = ws_take(&c, sz[i++]);
    a.prefix = ws_take(&c, sz[i++]);
    a.reach = ws_take(&c, sz[i++]);
    a.suffix = ws_take(&c, sz[i++]);
    a.cand = ws_take(&c, sz[i++]);
    a.cand_value = ws_take(&c, sz[i++]);
    a.shown_seq = ws_take(&c, sz[i++]);
    a.trial_seq = ws_take(&c, sz[i++]);
    return a;
}

size_t aigc_cascade_approx_workspace_size(uint32_t n, uint32_t m)
{
    size_t sz[LAYOUT_PARTS];
    return cascade_vcg_ws_size(n, m) + layout(n, m, sz);
}

/* Bottom-up merge sort by decreasing score; stable, so equal scores keep
 * the lower index first. O(n log n) with the n-entry buffer. */
static void sort_by_score(uint32_t *a, uint32_t *buf, uint32_t len, const double *score)
{
    for (uint32_t width = 1; width < len; width *= 2u) {
        for (uint32_t lo = 0; lo < len; lo += 2u * width) {
            uint32_t mid = lo + width < len ? lo + width : len;
            uint32_t hi = lo + 2u * width < len ? lo + 2u * width : len;
            uint32_t x = lo, y = mid, out = lo;
            while (x < mid && y < hi)
                buf[out++] = score[a[y]] > score[a[x]] ? a[y++] : a[x++];
            while (x < mid)
                buf[out++] = a[x++];
            while (y < hi)
                buf[out++] = a[y++];
        }
        for (uint32_t i = 0; i < len; i++)
            a[i] = buf[i];
    }
}

/* The stand-in for p_i of ranking r: the mean over positions, then the
 * click probability at positions spread from the first to the last. */
static double ranking_p(const aigc_instance *in, uint32_t r, uint32_t i)
{
    uint32_t m = in->m;
    const double *p = in->ctr + (size_t)i * m;
    if (r == 0) {
        double sum = 0.0;
        for (uint32_t j = 0; j < m; j++)
            sum += p[j];
        return m ? sum / m : 0.0;
    }
    uint32_t spread = rankings(m) - 1u;
    return p[spread > 1u ? (r - 1u) * (m - 1u) / (spread - 1u) : 0u];
}

/* Per position j, the ads that can be the best available one there: an ad
 * with k + 2 others at least as good in both what it adds (g' >= g) and
 * the share it passes on (c' >= c) is beaten, whatever follows it, by one
 * of them that is available, as at most k are shown and one is skipped.
 * Sorting by g and keeping the k + 2 largest c seen finds them; the pool
 * is kept in index order, so scans still prefer the lower index. */
static void build_pools(const aigc_instance *in, const approx_ws *a, const uint32_t *ads,
                        uint32_t count)
{
    uint32_t n = in->n, m = in->m, need = effective_k(in) + 2u;
    double *top = a->layer_b; /* need <= m + 2 <= (m + 1)^2 doubles */
    for (uint32_t j = 0; j < m; j++) {
        uint32_t *row = a->pool + (size_t)j * n;
        const double *g = a->gain + (size_t)j * n, *c = a->pass + (size_t)j * n;
        for (uint32_t t = 0; t < count; t++) {
            row[t] = ads[t];
            a->score[ads[t]] = g[ads[t]];
        }
        sort_by_score(row, a->buffer, count, a->score);
        for (uint32_t i = 0; i < n; i++)
            a->avail[i] = 0; /* here: "in the pool" */
        uint32_t seen = 0;
        for (uint32_t t = 0; t < count; t++) {
            uint32_t u = row[t];
            if (seen < need || top[need - 1u] < c[u])
                a->avail[u] = 1;
            uint32_t at = seen < need ? seen++ : need;
            while (at > 0 && top[at - 1u] < c[u]) {
                if (at < need)
                    top[at] = top[at - 1u];
                at--;
            }
            if (at < need)
                top[at] = c[u];
        }
        uint32_t len = 0;
        for (uint32_t i = 0; i < n; i++)
            if (a->avail[i])
                row[len++] = i;
        a->pool_len[j] = len;
    }
}

void cascade_approx_prepare(const aigc_instance *in, void *work)
{
    uint32_t n = in->n, m = in->m, count = 0;
    approx_ws a = cascade_approx_carve(work, n, m);
    for (uint32_t j = 0; j < m; j++)
        for (uint32_t u = 0; u < n; u++) {
            double p = in->ctr[(size_t)u * m + j];
            a.gain[(size_t)j * n + u] = a.gain_am[(size_t)u * m + j] = in->value[u] * p;
            a.pass[(size_t)j * n + u] = a.pass_am[(size_t)u * m + j] = (1.0 - p) * cont_of(in, u);
        }
    for (uint32_t r = 0; r < rankings(m); r++) {
        uint32_t *order = a.order + (size_t)r * n;
        count = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (!(in->value[i] > 0.0))
                continue;
            double p = ranking_p(in, r, i);
            double leave = 1.0 - (1.0 - p) * cont_of(in, i);
            /* leave = 0 only when p = 0 (and q = 1): the ad is worth nothing. */
            a.score[i] = leave > 0.0 ? in->value[i] * p / leave : 0.0;
            order[count++] = i;
        }
        sort_by_score(order, a.buffer, count, a.score);
        uint32_t *rank_of = a.rank_of + (size_t)r * n;
        for (uint32_t i = 0; i < n; i++)
            rank_of[i] = UINT32_MAX;
        for (uint32_t t = 0; t < count; t++)
            rank_of[order[t]] = t;
    }
    a.state[0] = count;
    a.state[1] = 0; /* no programs yet */
    build_pools(in, &a, a.order, count);
}

/* Layers from-1 .. 0 of the program over seq, given layer `from` at
 * `start`. With `store`, layer t goes to store + t * size and the layers
 * stay; without, two rolling layers suffice. Decisions of layer t go to
 * choice + t * m * width. */
static void program_layers(const approx_ws *a, uint32_t m, uint32_t width,
                           uint32_t dec, const uint32_t *seq, uint32_t from,
                           const double *start, double *store, unsigned char *choice)
{
    size_t size = ((size_t)m + 1u) * width;
    const double *next = start;
    for (uint32_t t = from; t-- > 0;) {
        double *cur = store ? store + (size_t)t * size
                            : (next == a->layer_a ? a->layer_b : a->layer_a);
        int32_t i = (int32_t)seq[t];
        unsigned char *ch = choice + (size_t)t * m * width;
        for (uint32_t r = 0; r < width; r++)
            cur[(size_t)m * width + r] = 0.0;
        for (uint32_t j = m; j-- > 0;) {
            double g = gain_of(a, m, i, j), c = pass_of(a, m, i, j);
            const double *below = next + (size_t)j * width, *after = below + width;
            double *here = cur + (size_t)j * width;
            for (uint32_t r = 0; r < width; r++) {
                double best = below[r];
                unsigned char pick = SKIP_AD;
                double empty = here[width + r];
                if (empty > best) {
                    best = empty;
                    pick = EMPTY_POS;
                }
                if (r >= dec) {
                    double place = g + c * after[r - dec];
                    /* A tie with "not shown" usually means a later, equal
                     * ad would take the spot: the earlier one (lower index
                     * among equal scores) gets it, unless it adds nothing. */
                    if (place > best || (place == best && pick == SKIP_AD && g > 0.0)) {
                        best = place;
                        pick = PLACE;
                    }
                }
                here[r] = best;
                ch[(size_t)j * width + r] = pick;
            }
        }
        next = cur;
    }
}

/* Follows the decisions from (0, 0, r) into ad_at. Layers t < split read
 * `low`, the others `high`, both indexed by t. */
static void follow(const aigc_instance *in, const approx_ws *a, const uint32_t *seq,
                   uint32_t len, uint32_t width, uint32_t dec, uint32_t r, uint32_t split,
                   const unsigned char *low, const unsigned char *high)
{
    uint32_t m = in->m, t = 0, j = 0;
    for (uint32_t x = 0; x < m; x++)
        a->ad_at[x] = AIGC_NOT_SHOWN;
    while (t < len && j < m) {
        const unsigned char *ch = t < split ? low : high;
        unsigned char pick = ch[((size_t)t * m + j) * width + r];
        if (pick == PLACE) {
            a->ad_at[j++] = (int32_t)seq[t++];
            r -= dec;
        } else if (pick == EMPTY_POS) {
            j++;
        } else {
            t++;
        }
    }
}

/* Stage 1 for ranking r, into ad_at. Without a skipped ad the program's
 * layers are kept; with one, and kept layers of the full ranking at hand,
 * only the layers above the skipped ad are redone, since those below it
 * are the same program. That makes the VCG solves "without i" cheap: the
 * shown ads rank near the top. When k >= m the count of shown ads cannot
 * bind, and the program drops that dimension (width 1, dec 0). */
static void ranked_list(const aigc_instance *in, const approx_ws *a, uint32_t r, uint32_t skip)
{
    uint32_t n = in->n, m = in->m, count = a->state[0], k = effective_k(in);
    uint32_t dec = k < m ? 1u : 0u, width = dec ? k + 1u : 1u;
    size_t size = ((size_t)m + 1u) * width;
    const uint32_t *order = a->order + (size_t)r * n;
    double *values = a->values + (size_t)r * (n + 1u) * ((size_t)m + 1u) * ((size_t)m + 1u);
    unsigned char *choice = a->choice + (size_t)r * n * m * ((size_t)m + 1u);
    uint32_t at = skip < n ? a->rank_of[(size_t)r * n + skip] : UINT32_MAX;
    if (at == UINT32_MAX || a->state[1]) {
        if (at == UINT32_MAX) { /* the full ranking: keep its layers */
            double *last = values + (size_t)count * size;
            for (size_t x = 0; x < size; x++)
                last[x] = 0.0;
            program_layers(a, m, width, dec, order, count, last, values, choice);
            follow(in, a, order, count, width, dec, dec ? k : 0,
                   count, choice, choice);
            return;
        }
        /* Without ad `at`: layer t of the shorter ranking is layer t + 1
         * of the full one from `at` on. */
        uint32_t len = count - 1u;
        for (uint32_t t = 0, s = 0; t < count; t++)
            if (t != at)
                a->buffer[s++] = order[t];
        program_layers(a, m, width, dec, a->buffer, at, values + (size_t)(at + 1u) * size,
                       NULL, a->redo);
        follow(in, a, a->buffer, len, width, dec, dec ? k : 0, at,
               a->redo, choice + (size_t)m * width);
        return;
    }
    /* A skipped ad and no kept layers: the whole program over the rest. */
    uint32_t len = 0;
    for (uint32_t t = 0; t < count; t++)
        if (order[t] != skip)
            a->buffer[len++] = order[t];
    double *last = a->layer_a;
    for (size_t x = 0; x < size; x++)
        last[x] = 0.0;
    program_layers(a, m, width, dec, a->buffer, len, last, NULL, a->redo);
    follow(in, a, a->buffer, len, width, dec, dec ? k : 0, len, a->redo,
           a->redo);
}

/* ---- the solver ---------------------------------------------------------- */

double cascade_approx_solve(const aigc_instance *in, uint32_t skip, void *work,
                            int32_t *position)
{
    uint32_t n = in->n, m = in->m, k = effective_k(in);
    approx_ws a = cascade_approx_carve(work, n, m);
    if (skip >= n)
        skip = AIGC_SKIP_NONE;
    double best = -1.0;
    for (uint32_t r = 0; r < rankings(m); r++) {
        ranked_list(in, &a, r, skip);
        double w = cascade_list_welfare(in, a.ad_at);
        if (w > best) {
            best = w;
            for (uint32_t j = 0; j < m; j++)
                a.best_at[j] = a.ad_at[j];
        }
    }
    if (skip == AIGC_SKIP_NONE)
        a.state[1] = 1; /* the kept layers serve later solves without one ad */
    for (uint32_t i = 0; i < n; i++)
        a.avail[i] = i != skip && in->value[i] > 0.0;
    for (uint32_t i = 0; i < n; i++)
        position[i] = AIGC_NOT_SHOWN;
    for (uint32_t j = 0; j < m; j++) {
        a.ad_at[j] = AIGC_NOT_SHOWN;
        put(&a, position, j, a.best_at[j]);
    }
    cascade_search(in, &a, k, position);
    return cascade_list_welfare(in, a.ad_at);
}

double aigc_cascade_approx_optimum(const aigc_instance *in, uint32_t skip, void *work,
                                   int32_t *position)
{
    cascade_approx_prepare(in, work);
    return cascade_approx_solve(in, skip, work, position);
}
