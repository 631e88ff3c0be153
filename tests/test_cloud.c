/* Unit tests of mechanisms/pools/cloud_*: the utility, the price rule, Jain's
 * index, clusters, the pair orders of each mechanism, the greedy scan, and
 * greedy against optimal on a 3 x 3 instance. Every golden number is worked
 * out by hand in the comment next to it. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "cloud.h"

static const cloud_weights W = {0.4, 0.3, 0.15, 0.15};

START_TEST(utility_by_hand)
{
    /* request: CPU 2, budget 10, at (0, 0); resource at (0.3, 0.4), so the
     * distance is 0.5; price 2, so the cost is 2 x 2 = 4.
     *   cost term     1 - 4 / 10                       = 0.6
     *   closeness     1 - 0.5 / sqrt(2)                = 0.646446609
     *   QoS           (0.646446609 + 0.9 + 0.8) / 3    = 0.782148870
     *   energy        0.6
     *   fairness      1 - load 0.25                    = 0.75
     *   u = 0.4 x 0.6 + 0.3 x 0.782148870 + 0.15 x 0.6 + 0.15 x 0.75
     *     = 0.24 + 0.234644661 + 0.09 + 0.1125         = 0.677144661 */
    cloud_request q = {.id = 0, .cpu = 2, .mem = 1, .amount = 1, .priority = 0, .x = 0, .y = 0,
                       .budget = 10};
    cloud_resource r = {.cpu = 4, .mem = 4, .cost = 1, .reliability = 0.9, .availability = 0.8,
                        .energy = 0.6, .x = 0.3, .y = 0.4};
    ck_assert_double_eq_tol(cloud_cost(&q, 2.0), 4.0, 1e-15);
    ck_assert_double_eq_tol(cloud_utility(&q, &r, 2.0, 0.25, &W), 0.677144661, 1e-9);
    ck_assert_int_eq(cloud_pair_feasible(&q, &r, 2.0), 1);
    /* price 6: cost 12 > budget 10 */
    ck_assert_int_eq(cloud_pair_feasible(&q, &r, 6.0), 0);
    /* memory 5 > capacity 4 */
    q.mem = 5;
    ck_assert_int_eq(cloud_pair_feasible(&q, &r, 2.0), 0);
}
END_TEST

START_TEST(price_rule_by_hand)
{
    cloud_price_rule rule = {.step = 0.5, .target = 0.7, .floor = 0.5, .cap = 4};
    /* busy: 1 x (1 + 0.5 (1 - 0.7)) = 1.15 */
    ck_assert_double_eq_tol(cloud_price_next(1.0, 1.0, 1.0, &rule), 1.15, 1e-15);
    /* idle: 1 x (1 - 0.5 x 0.7) = 0.65 */
    ck_assert_double_eq_tol(cloud_price_next(1.0, 0.0, 1.0, &rule), 0.65, 1e-15);
    /* at the target: unchanged */
    ck_assert_double_eq_tol(cloud_price_next(1.3, 0.7, 1.0, &rule), 1.3, 1e-15);
    /* idle from 0.6: 0.39, below the floor 0.5 x cost 1 = 0.5 */
    ck_assert_double_eq_tol(cloud_price_next(0.6, 0.0, 1.0, &rule), 0.5, 1e-15);
    /* busy from 3.9: 4.485, above the cap 4 x cost 1 = 4 */
    ck_assert_double_eq_tol(cloud_price_next(3.9, 1.0, 1.0, &rule), 4.0, 1e-15);
    /* the bounds scale with the cost: cost 2, idle from 1.2 -> 0.78 < floor 1 */
    ck_assert_double_eq_tol(cloud_price_next(1.2, 0.0, 2.0, &rule), 1.0, 1e-15);
}
END_TEST

START_TEST(jain_by_hand)
{
    /* [1, 0, 1, 2]: sum 4, sum of squares 6, n 4: 16 / 24 = 2/3 */
    ck_assert_double_eq_tol(cloud_jain(4, 6, 4), 2.0 / 3.0, 1e-15);
    /* equal shares: [3, 3]: 36 / (2 x 18) = 1 */
    ck_assert_double_eq_tol(cloud_jain(6, 18, 2), 1.0, 1e-15);
    /* one of four served: [1, 0, 0, 0]: 1 / 4 */
    ck_assert_double_eq_tol(cloud_jain(1, 1, 4), 0.25, 1e-15);
    /* nothing allocated: 0 by definition (cloud.h) */
    ck_assert_double_eq(cloud_jain(0, 0, 5), 0.0);
}
END_TEST

START_TEST(clusters_bisect_locations)
{
    /* four corners; the first split is by x: {0, 2} (x = 0.1) and {1, 3}
     * (x = 0.9); with four clusters each side is split again by y. */
    cloud_resource r[4] = {
        {.cpu = 1, .mem = 1, .x = 0.1, .y = 0.1}, {.cpu = 2, .mem = 1, .x = 0.9, .y = 0.1},
        {.cpu = 3, .mem = 1, .x = 0.1, .y = 0.9}, {.cpu = 4, .mem = 1, .x = 0.9, .y = 0.9}};
    uint32_t order[4], start[5];
    ck_assert_int_eq(cloud_cluster(r, 4, 2, order, start), 0);
    ck_assert_uint_eq(start[0], 0);
    ck_assert_uint_eq(start[1], 2);
    ck_assert_uint_eq(start[2], 4);
    ck_assert_uint_eq(order[0], 0);
    ck_assert_uint_eq(order[1], 2);
    ck_assert_uint_eq(order[2], 1);
    ck_assert_uint_eq(order[3], 3);
    ck_assert_int_eq(cloud_cluster(r, 4, 4, order, start), 0);
    uint32_t want[4] = {0, 2, 1, 3}; /* x-halves, each split by y */
    for (int c = 0; c < 4; c++) {
        ck_assert_uint_eq(start[c], (uint32_t)c);
        ck_assert_uint_eq(order[c], want[c]);
    }
    /* summaries of the two x-halves: largest CPU 3 on the left, 4 on the right */
    double price[4] = {1, 1, 1, 1}, load[4] = {0, 0, 0, 0};
    cloud_cluster_summary s[2];
    ck_assert_int_eq(cloud_cluster(r, 4, 2, order, start), 0);
    cloud_cluster_summarise(r, price, load, order, start, 2, s);
    ck_assert_double_eq(s[0].cpu, 3);
    ck_assert_double_eq(s[1].cpu, 4);
    ck_assert_double_eq_tol(s[0].x, 0.1, 1e-15);
    /* a request near the left half ranks it first; one needing CPU 3.5 fits
     * only the right half */
    cloud_request q = {.cpu = 1, .mem = 1, .amount = 1, .x = 0.1, .y = 0.5, .budget = 10};
    uint32_t pick[2];
    cloud_cluster_rank scratch[2];
    ck_assert_uint_eq(cloud_rank_clusters(&q, s, 2, &W, pick, scratch), 2);
    ck_assert_uint_eq(pick[0], 0);
    ck_assert_uint_eq(pick[1], 1);
    q.cpu = 3.5;
    ck_assert_uint_eq(cloud_rank_clusters(&q, s, 2, &W, pick, scratch), 1);
    ck_assert_uint_eq(pick[0], 1);
}
END_TEST

/* ---- the scan ------------------------------------------------------------ */

typedef struct {
    int32_t served[8];
    double total;
} scan_ctx;

static int ctx_served(void *c, uint64_t request)
{
    return ((scan_ctx *)c)->served[request] >= 0;
}

static void ctx_accept(void *c, const cloud_pair *p)
{
    scan_ctx *x = c;
    x->served[p->request] = (int32_t)p->resource;
    x->total += p->utility;
}

static void reset(scan_ctx *x)
{
    for (int i = 0; i < 8; i++)
        x->served[i] = -1;
    x->total = 0;
}

START_TEST(scan_respects_capacity)
{
    /* one resource of CPU 1; demands 0.6, 0.5, 0.4 in decreasing utility: the
     * 0.6 fits (0.4 left), the 0.5 does not, the 0.4 does (0 left). */
    double cpu[1] = {1.0}, mem[1] = {10.0};
    cloud_pair p[3];
    double demand[3] = {0.6, 0.5, 0.4};
    for (int i = 0; i < 3; i++) {
        cloud_request q = {.id = (uint64_t)i, .cpu = demand[i], .mem = 1, .budget = 1};
        cloud_pair_key(CLOUD_MOHAF, &q, 0, 0.9 - 0.1 * i, 0, 0, 1, &p[i]);
    }
    qsort(p, 3, sizeof *p, cloud_pair_cmp);
    scan_ctx x;
    reset(&x);
    ck_assert_uint_eq(cloud_scan(p, 3, cpu, mem, ctx_served, ctx_accept, &x), 2);
    ck_assert_int_eq(x.served[0], 0);
    ck_assert_int_eq(x.served[1], -1);
    ck_assert_int_eq(x.served[2], 0);
    ck_assert_double_eq_tol(cpu[0], 0.0, 1e-15);
}
END_TEST

/* The 3 x 3 instance, unit demands and capacities (u = 0: not a candidate):
 *              res 0   res 1   res 2
 *   req 0      0.9     0.8     -
 *   req 1      0.85    0.1     -
 *   req 2      -       -       0.5
 * Greedy by utility: (0,0) 0.9; (1,0) 0.85 finds res 0 full; (0,1) finds req 0
 * served; (2,2) 0.5; (1,1) 0.1: total 0.9 + 0.5 + 0.1 = 1.5.
 * Optimal: req 0 -> res 1, req 1 -> res 0, req 2 -> res 2: 0.8 + 0.85 + 0.5 =
 * 2.15 (the only other full assignment with req 2 on res 2 gives 1.5). */
static const double U3[3][3] = {{0.9, 0.8, 0}, {0.85, 0.1, 0}, {0, 0, 0.5}};

static size_t pairs3(cloud_mechanism mech, const double *priority, cloud_pair *p)
{
    size_t n = 0;
    for (uint32_t i = 0; i < 3; i++)
        for (uint32_t j = 0; j < 3; j++)
            if (U3[i][j] > 0) {
                cloud_request q = {.id = i, .cpu = 1, .mem = 1, .amount = 1,
                                   .priority = priority ? priority[i] : 0, .budget = 1 + i};
                cloud_pair_key(mech, &q, j, U3[i][j], 0, 0, 3, &p[n++]);
            }
    qsort(p, n, sizeof *p, cloud_pair_cmp);
    return n;
}

START_TEST(greedy_vs_optimal_3x3)
{
    cloud_pair p[9];
    scan_ctx x;
    /* MOHAF's order: utility */
    double cpu[3] = {1, 1, 1}, mem[3] = {1, 1, 1};
    size_t n = pairs3(CLOUD_MOHAF, NULL, p);
    reset(&x);
    ck_assert_uint_eq(cloud_scan(p, n, cpu, mem, ctx_served, ctx_accept, &x), 3);
    ck_assert_double_eq_tol(x.total, 1.5, 1e-12);
    ck_assert_int_eq(x.served[0], 0);
    ck_assert_int_eq(x.served[1], 1);
    ck_assert_int_eq(x.served[2], 2);

    /* greedy by priority, req 0 first (priorities 2, 1, 0): the same 1.5 */
    double prio[3] = {2, 1, 0};
    double cpu2[3] = {1, 1, 1}, mem2[3] = {1, 1, 1};
    n = pairs3(CLOUD_GREEDY, prio, p);
    reset(&x);
    cloud_scan(p, n, cpu2, mem2, ctx_served, ctx_accept, &x);
    ck_assert_double_eq_tol(x.total, 1.5, 1e-12);
    /* req 1 first (priorities 0, 2, 1): req 1 takes res 0 (0.85), req 2 res 2,
     * req 0 res 1: 2.15, the optimum */
    double prio2[3] = {0, 2, 1};
    double cpu3[3] = {1, 1, 1}, mem3[3] = {1, 1, 1};
    n = pairs3(CLOUD_GREEDY, prio2, p);
    reset(&x);
    cloud_scan(p, n, cpu3, mem3, ctx_served, ctx_accept, &x);
    ck_assert_double_eq_tol(x.total, 2.15, 1e-12);

    /* optimal: one slot per resource */
    double cpu4[3] = {1, 1, 1}, mem4[3] = {1, 1, 1};
    n = pairs3(CLOUD_OPTIMAL, NULL, p);
    uint32_t slots[3];
    cloud_resource r = {.cpu = 1, .mem = 1};
    for (int j = 0; j < 3; j++)
        slots[j] = cloud_slots(&r, 1, 1, 3);
    ck_assert_uint_eq(slots[0], 1);
    int32_t assign[3];
    cloud_pair acc[3];
    size_t n_acc;
    ck_assert_int_eq(cloud_optimal(3, 3, slots, p, n, cpu4, mem4, assign, acc, &n_acc), 0);
    ck_assert_uint_eq(n_acc, 3);
    ck_assert_int_eq(assign[0], 1);
    ck_assert_int_eq(assign[1], 0);
    ck_assert_int_eq(assign[2], 2);
    double total = 0;
    for (size_t a = 0; a < n_acc; a++)
        total += acc[a].utility;
    ck_assert_double_eq_tol(total, 2.15, 1e-12);
}
END_TEST

START_TEST(first_price_highest_bid_wins)
{
    /* two requests want the one resource (room for one); budgets 3 and 5: the
     * bid 5 wins although its utility is lower. */
    cloud_pair p[2];
    cloud_request a = {.id = 0, .cpu = 1, .mem = 1, .budget = 3};
    cloud_request b = {.id = 1, .cpu = 1, .mem = 1, .budget = 5};
    cloud_pair_key(CLOUD_FIRST_PRICE, &a, 0, 0.9, 0, 0, 1, &p[0]);
    cloud_pair_key(CLOUD_FIRST_PRICE, &b, 0, 0.2, 0, 0, 1, &p[1]);
    qsort(p, 2, sizeof *p, cloud_pair_cmp);
    double cpu[1] = {1}, mem[1] = {1};
    scan_ctx x;
    reset(&x);
    cloud_scan(p, 2, cpu, mem, ctx_served, ctx_accept, &x);
    ck_assert_int_eq(x.served[0], -1);
    ck_assert_int_eq(x.served[1], 0);
}
END_TEST

START_TEST(random_rotation_and_ties)
{
    /* offset 2 of 4 resources: the request tries 2, 3, 0, 1 in that order */
    cloud_request q = {.id = 5, .cpu = 1, .mem = 1, .budget = 1};
    cloud_pair p[4];
    for (uint32_t j = 0; j < 4; j++)
        cloud_pair_key(CLOUD_RANDOM, &q, j, 0.5, 0.25, 2, 4, &p[j]);
    qsort(p, 4, sizeof *p, cloud_pair_cmp);
    uint32_t want[4] = {2, 3, 0, 1};
    for (int a = 0; a < 4; a++)
        ck_assert_uint_eq(p[a].resource, want[a]);
    /* equal keys: lower request id first, then lower resource */
    cloud_pair t[3];
    cloud_request q0 = {.id = 0}, q1 = {.id = 1};
    cloud_pair_key(CLOUD_MOHAF, &q1, 0, 0.5, 0, 0, 2, &t[0]);
    cloud_pair_key(CLOUD_MOHAF, &q0, 1, 0.5, 0, 0, 2, &t[1]);
    cloud_pair_key(CLOUD_MOHAF, &q0, 0, 0.5, 0, 0, 2, &t[2]);
    qsort(t, 3, sizeof *t, cloud_pair_cmp);
    ck_assert_uint_eq(t[0].request, 0);
    ck_assert_uint_eq(t[0].resource, 0);
    ck_assert_uint_eq(t[1].request, 0);
    ck_assert_uint_eq(t[1].resource, 1);
    ck_assert_uint_eq(t[2].request, 1);
}
END_TEST

START_TEST(optimal_unequal_demands_stays_feasible)
{
    /* one resource of CPU 1; demands 0.5, 0.5, 0.8 with utilities 0.3, 0.3,
     * 0.9. Slots by the smallest demand: floor(1 / 0.5) = 2, so the assignment
     * may pick 0.8 and 0.5 (1.2) together; the repair keeps the 0.8 (first in
     * scan order), drops the 0.5, and the fill-in finds no room (0.2 left).
     * Total 0.9 >= 0.6 of the two halves: and never above capacity. */
    cloud_pair p[3];
    double demand[3] = {0.5, 0.5, 0.8}, u[3] = {0.3, 0.3, 0.9};
    for (uint32_t i = 0; i < 3; i++) {
        cloud_request q = {.id = i, .cpu = demand[i], .mem = demand[i], .budget = 1};
        cloud_pair_key(CLOUD_OPTIMAL, &q, 0, u[i], 0, 0, 1, &p[i]);
    }
    qsort(p, 3, sizeof *p, cloud_pair_cmp);
    cloud_resource r = {.cpu = 1, .mem = 1};
    uint32_t slots[1] = {cloud_slots(&r, 0.5, 0.5, 3)};
    ck_assert_uint_eq(slots[0], 2);
    double cpu[1] = {1}, mem[1] = {1};
    int32_t assign[3];
    cloud_pair acc[3];
    size_t n_acc;
    ck_assert_int_eq(cloud_optimal(3, 1, slots, p, 3, cpu, mem, assign, acc, &n_acc), 0);
    ck_assert_uint_eq(n_acc, 1);
    ck_assert_int_eq(assign[2], 0);
    ck_assert(cpu[0] >= 0);
    ck_assert_double_eq_tol(cpu[0], 0.2, 1e-12);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cloud");
    TCase *t = tcase_create("core");
    tcase_add_test(t, utility_by_hand);
    tcase_add_test(t, price_rule_by_hand);
    tcase_add_test(t, jain_by_hand);
    tcase_add_test(t, clusters_bisect_locations);
    tcase_add_test(t, scan_respects_capacity);
    tcase_add_test(t, greedy_vs_optimal_3x3);
    tcase_add_test(t, first_price_highest_bid_wins);
    tcase_add_test(t, random_rotation_and_ties);
    tcase_add_test(t, optimal_unequal_demands_stays_feasible);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
