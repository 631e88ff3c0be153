/* Maximum-weight assignment of n ads (rows) to m positions (columns) with at
 * most k pairs, by successive shortest augmenting paths with potentials: the
 * Hungarian method of Kuhn (1955) and Munkres (1957) in the shortest-path form
 * of Tomizawa (1971), Edmonds and Karp (1972) and Jonker and Volgenant (1987).
 *
 * As a min-cost flow: source -> every row (cost 0) -> column j (cost -w_ij)
 * -> sink (cost 0), unit capacities. Sending one more unit along a shortest
 * path turns the best matching of size s into a best matching of size s + 1
 * (Busacker, Gowen 1960; the successive-shortest-path theorem), and the best
 * weight f(s) is concave in s (min-cost flow cost is convex in the flow value).
 * So the cardinality limit needs no dummy rows or columns: stop after k
 * augmentations, or earlier at the first one that does not gain, since by
 * concavity no later one will. That also keeps non-positive pairs out: if the
 * best matching of size s had a pair of weight <= 0, dropping it would give a
 * size s - 1 matching at least as good, i.e. f(s) <= f(s - 1), and we stop
 * before taking it.
 *
 * Potentials make every reduced cost c + pi(tail) - pi(head) non-negative, so
 * each shortest path is a Dijkstra run. Only columns need a search: a matched
 * row is entered only through its own column (at reduced cost 0), and a free
 * row keeps potential 0 forever (it is entered from the source only), so the
 * cheapest way into column j from the free rows is always through its
 * heaviest free row, whatever the potentials. As at most k rows are ever
 * matched, that row is always among the column's k + 1 heaviest active
 * rows, which one pass over the weights collects (O(n m) comparisons, and
 * O(k) per insertion into a column's short list). A search is then O(m^2)
 * for the m pops: O(n m + k m^2) in all; n = 200, m = 20 stays cheap.
 *
 * Ties: the first ad (lowest index) reaching a column, and the lowest-index
 * column among equals, win; so with equal weights the lower ad index is
 * placed first. */
#include <math.h>

#include "internal.h"

size_t aigc_assign_workspace_size(uint32_t n, uint32_t m)
{
    return ws_round(sizeof(double) * (size_t)n)                /* pi_row */
           + 2u * ws_round(sizeof(double) * (size_t)m)         /* pi_col, dist */
           + 4u * ws_round(sizeof(int32_t) * (size_t)m)        /* col_match, from, head, len */
           + ws_round(sizeof(int32_t) * (size_t)m * (m + 2u)) /* heaviest */
           + ws_round(sizeof(uint32_t))                        /* width */
           + ws_round((size_t)m);                              /* done */
}

typedef struct {
    double *pi_row, *pi_col, *dist;
    int32_t *col_match, *from;
    int32_t *heaviest; /* per column, its k + spare heaviest active rows, heaviest first */
    int32_t *head;     /* per column, the index in its list of its heaviest free row */
    int32_t *len;      /* per column, the length of its list */
    uint32_t *width;   /* list capacity, k + spare (at most m + 2) */
    unsigned char *done;
} assign_ws;

static assign_ws carve(void *work, uint32_t n, uint32_t m)
{
    unsigned char *c = work;
    assign_ws a;
    a.pi_row = ws_take(&c, sizeof(double) * (size_t)n);
    a.pi_col = ws_take(&c, sizeof(double) * (size_t)m);
    a.dist = ws_take(&c, sizeof(double) * (size_t)m);
    a.col_match = ws_take(&c, sizeof(int32_t) * (size_t)m);
    a.from = ws_take(&c, sizeof(int32_t) * (size_t)m);
    a.head = ws_take(&c, sizeof(int32_t) * (size_t)m);
    a.len = ws_take(&c, sizeof(int32_t) * (size_t)m);
    a.heaviest = ws_take(&c, sizeof(int32_t) * (size_t)m * (m + 2u));
    a.width = ws_take(&c, sizeof(uint32_t));
    a.done = ws_take(&c, (size_t)m);
    return a;
}

static inline int is_active(const unsigned char *active, uint32_t i)
{
    return active == NULL || active[i] != 0;
}

/* Collects each column's k + spare heaviest active rows, heaviest first; rows
 * come in index order and an equal weight does not displace, so the lower
 * index comes first among equals. */
static void collect_heaviest(uint32_t n, uint32_t m, const double *w,
                             const unsigned char *active, const assign_ws *a)
{
    uint32_t width = *a->width;
    for (uint32_t j = 0; j < m; j++) {
        a->head[j] = 0;
        a->len[j] = 0;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!is_active(active, i))
            continue;
        const double *row = w + (size_t)i * m;
        for (uint32_t j = 0; j < m; j++) {
            int32_t *list = a->heaviest + (size_t)j * width;
            uint32_t at = (uint32_t)a->len[j];
            if (at == width) {
                if (!(row[j] > w[(size_t)list[width - 1u] * m + j]))
                    continue;
                at--; /* the lightest drops out */
            } else {
                a->len[j]++;
            }
            while (at > 0 && row[j] > w[(size_t)list[at - 1u] * m + j]) {
                list[at] = list[at - 1u];
                at--;
            }
            list[at] = (int32_t)i;
        }
    }
}

/* The heaviest free row of column j, or -1. */
static inline int32_t top_row(const assign_ws *a, uint32_t j)
{
    return a->head[j] < a->len[j] ? a->heaviest[(size_t)j * *a->width + (uint32_t)a->head[j]]
                                  : -1;
}

/* Distances to every column from the free rows, through their heaviest. */
static void seed_from_free_rows(uint32_t m, const double *w, assign_ws *a)
{
    for (uint32_t j = 0; j < m; j++) {
        int32_t i = top_row(a, j);
        a->dist[j] = i < 0 ? HUGE_VAL : -w[(size_t)i * m + j] - a->pi_col[j];
        a->from[j] = i;
        a->done[j] = 0;
    }
}

/* Dijkstra over the columns; a popped column that is matched passes its
 * distance on to its row, which relaxes the columns not yet done. */
static void shortest_paths(uint32_t m, const double *w, assign_ws *a)
{
    for (uint32_t step = 0; step < m; step++) {
        uint32_t best = m;
        for (uint32_t j = 0; j < m; j++)
            if (!a->done[j] && (best == m || a->dist[j] < a->dist[best]))
                best = j;
        a->done[best] = 1;
        int32_t r = a->col_match[best];
        if (r < 0)
            continue; /* a free column leads only to the sink */
        const double *row = w + (size_t)r * m;
        double base = a->dist[best] + a->pi_row[r];
        for (uint32_t j = 0; j < m; j++) {
            if (a->done[j])
                continue;
            double d = base - row[j] - a->pi_col[j];
            if (d < a->dist[j]) {
                a->dist[j] = d;
                a->from[j] = r;
            }
        }
    }
}

void assign_collect(uint32_t n, uint32_t m, uint32_t k, uint32_t spare, const double *w,
                    const unsigned char *active, void *work)
{
    assign_ws a = carve(work, n, m);
    *a.width = (k < m ? k : m) + spare;
    collect_heaviest(n, m, w, active, &a);
}

/* Moves column j's head past rows that are matched or skipped. */
static inline void advance(assign_ws *a, uint32_t j, const int32_t *pos, uint32_t skip)
{
    for (int32_t r; (r = top_row(a, j)) >= 0 && (pos[r] != AIGC_NOT_SHOWN || (uint32_t)r == skip);)
        a->head[j]++;
}

double aigc_assign(uint32_t n, uint32_t m, uint32_t k, const double *w,
                   const unsigned char *active, void *work, int32_t *pos)
{
    if (n == 0 || m == 0 || k == 0) {
        for (uint32_t i = 0; i < n; i++)
            pos[i] = AIGC_NOT_SHOWN;
        return 0.0;
    }
    assign_collect(n, m, k, 1u, w, active, work);
    return assign_run(n, m, k, w, AIGC_SKIP_NONE, work, pos);
}

double assign_run(uint32_t n, uint32_t m, uint32_t k, const double *w, uint32_t skip,
                  void *work, int32_t *pos)
{
    for (uint32_t i = 0; i < n; i++)
        pos[i] = AIGC_NOT_SHOWN;
    if (k > m)
        k = m;
    if (k == 0 || n == 0)
        return 0.0;
    assign_ws a = carve(work, n, m);
    for (uint32_t j = 0; j < m; j++) {
        a.head[j] = 0;
        advance(&a, j, pos, skip);
    }
    if (top_row(&a, 0) < 0)
        return 0.0; /* no active row */
    /* pi_col[j] = min_i c_ij = -max_i w_ij makes every initial reduced cost
     * -w_ij - pi_col[j] >= 0, as Dijkstra needs. */
    for (uint32_t i = 0; i < n; i++)
        a.pi_row[i] = 0.0;
    for (uint32_t j = 0; j < m; j++) {
        a.col_match[j] = -1;
        a.pi_col[j] = -w[(size_t)top_row(&a, j) * m + j];
    }

    for (uint32_t size = 0; size < k; size++) {
        if (top_row(&a, 0) < 0)
            break; /* no free active row left */
        seed_from_free_rows(m, w, &a);
        shortest_paths(m, w, &a);
        /* The true cost of a path to free column j is dist + pi_col[j]
         * (the source's potential stays 0); the best one must gain. */
        uint32_t end = m;
        double cost = 0.0;
        for (uint32_t j = 0; j < m; j++) {
            if (a.col_match[j] >= 0)
                continue;
            double c = a.dist[j] + a.pi_col[j];
            if (end == m || c < cost) {
                end = j;
                cost = c;
            }
        }
        if (end == m || !(cost < 0.0))
            break;
        /* Johnson's update keeps reduced costs non-negative and makes the
         * path's edges tight, so the reversed edges are valid too. Matched
         * rows sit at their column's distance; free rows at 0. */
        for (uint32_t j = 0; j < m; j++) {
            if (a.col_match[j] >= 0)
                a.pi_row[a.col_match[j]] += a.dist[j];
            a.pi_col[j] += a.dist[j];
        }
        for (int32_t j = (int32_t)end;;) {
            int32_t r = a.from[j];
            int32_t prev = pos[r];
            pos[r] = j;
            a.col_match[j] = r;
            if (prev < 0)
                break;
            j = prev;
        }
        /* The path's first row is no longer free: the columns it topped
         * move on to their next heaviest free row. */
        for (uint32_t j = 0; j < m; j++)
            advance(&a, j, pos, skip);
    }

    /* Pairs of weight <= 0 cannot be in an optimum that was still gaining;
     * dropping any that rounding let in costs nothing. */
    double total = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        if (pos[i] < 0)
            continue;
        double wi = w[(size_t)i * m + (uint32_t)pos[i]];
        if (wi > 0.0)
            total += wi;
        else
            pos[i] = AIGC_NOT_SHOWN;
    }
    return total;
}
