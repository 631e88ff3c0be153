/* Exact welfare maximum of the cascade model (cascade.c) by dynamic
 * programming over positions, read backwards, with the set of ads already
 * used as the state. Since everything after position j is scaled by the
 * chance of reaching j, the best welfare of positions j..m-1, given that the
 * user reaches j and the ads in S are taken, is
 *     V(j, S) = max( V(j+1, S),                                  j left empty
 *                    max_{i not in S, |S| < k} v_i p_ij
 *                        + (1 - p_ij) q_i V(j+1, S + {i}) ),     i shown at j
 *     V(m, S) = 0,   answer V(0, {}),
 * Bellman's principle on the product form of W. O(m 2^n n) time and
 * (m + 1) 2^n doubles, for the n ads that can be shown (value > 0, not
 * skipped), and only sets of at most k ads are visited. Measured per
 * solve: n = 16, m = 20: 11 MB, 73 ms (k = 20), 4 ms (k = 5); n = 12,
 * m = k = 5: 0.2 MB, 0.1 ms. AIGC_CASCADE_EXACT_MAX_N = 16 caps the table.
 *
 * Ties: the allocation is rebuilt forwards by the same comparisons in the
 * same order (empty first, then ads by index, a later option winning only
 * when strictly better), so among equal optima the emptier list and then the
 * lower ad index at the earlier position win. */
#include "internal.h"

static inline uint32_t popcount32(uint32_t x)
{
#if defined(__GNUC__)
    return (uint32_t)__builtin_popcount(x);
#else
    uint32_t c = 0;
    for (; x; x &= x - 1u)
        c++;
    return c;
#endif
}

size_t aigc_cascade_exact_workspace_size(uint32_t n, uint32_t m)
{
    if (n > AIGC_CASCADE_EXACT_MAX_N)
        return 0;
    size_t table = ((size_t)m + 1u) << n;
    return cascade_vcg_ws_size(n, m) + ws_round(sizeof(uint32_t) * (size_t)n) +
           ws_round(sizeof(int32_t) * (size_t)m) + ws_round(sizeof(double) * table);
}

/* The value of showing ids[t] at position j in front of the set `after`. */
static inline double show(const aigc_instance *in, const uint32_t *ids, uint32_t t, uint32_t j,
                          double after)
{
    uint32_t i = ids[t];
    double p = in->ctr[(size_t)i * in->m + j];
    return in->value[i] * p + (1.0 - p) * cont_of(in, i) * after;
}

aigc_status aigc_cascade_exact_optimum(const aigc_instance *in, uint32_t skip, void *work,
                                       int32_t *position, double *welfare)
{
    uint32_t n = in->n, m = in->m;
    if (n > AIGC_CASCADE_EXACT_MAX_N)
        return AIGC_ETOOBIG;
    cascade_vcg_ws v = cascade_vcg_carve(work, n, m);
    unsigned char *c = v.rest;
    uint32_t *ids = ws_take(&c, sizeof(uint32_t) * (size_t)n);
    int32_t *ad_at = ws_take(&c, sizeof(int32_t) * (size_t)m);
    double *table = (double *)(void *)c;

    uint32_t b = 0;
    for (uint32_t i = 0; i < n; i++)
        if (i != skip && in->value[i] > 0.0)
            ids[b++] = i;
    uint32_t k = effective_k(in) < b ? effective_k(in) : b;
    size_t sets = (size_t)1 << b;

    double *last = table + (size_t)m * sets;
    for (size_t s = 0; s < sets; s++)
        last[s] = 0.0;
    for (uint32_t j = m; j-- > 0;) {
        double *here = table + (size_t)j * sets, *next = here + sets;
        for (size_t s = 0; s < sets; s++) {
            uint32_t used = popcount32((uint32_t)s);
            if (used > k)
                continue;
            double best = next[s];
            if (used < k)
                for (uint32_t t = 0; t < b; t++) {
                    if (s >> t & 1u)
                        continue;
                    double cand = show(in, ids, t, j, next[s | (size_t)1 << t]);
                    if (cand > best)
                        best = cand;
                }
            here[s] = best;
        }
    }

    size_t s = 0;
    for (uint32_t j = 0; j < m; j++) {
        const double *next = table + (size_t)(j + 1u) * sets;
        double best = next[s];
        int32_t pick = AIGC_NOT_SHOWN;
        if (popcount32((uint32_t)s) < k)
            for (uint32_t t = 0; t < b; t++) {
                if (s >> t & 1u)
                    continue;
                double cand = show(in, ids, t, j, next[s | (size_t)1 << t]);
                if (cand > best) {
                    best = cand;
                    pick = (int32_t)t;
                }
            }
        ad_at[j] = pick == AIGC_NOT_SHOWN ? AIGC_NOT_SHOWN : (int32_t)ids[pick];
        if (pick != AIGC_NOT_SHOWN)
            s |= (size_t)1 << pick;
    }
    cascade_list_to_positions(in, ad_at, position);
    *welfare = cascade_list_welfare(in, ad_at);
    return AIGC_OK;
}
