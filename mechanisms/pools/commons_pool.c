/* One pool's round: regrowth, sustainable threshold, rationing, collapse, Gini.
 * See commons_pool.h for the model. */
#include "commons_pool.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double commons_regrow(const commons_pool_params *p, double before, double after)
{
    double next;
    if (p->regrowth == REGROW_DOUBLING) {
        next = 2.0 * after;
        if (next > p->capacity)
            next = p->capacity;
    } else {
        next = after + p->growth * before * (1.0 - before / p->capacity);
    }
    return next > 0.0 ? next : 0.0;
}

double commons_regeneration(const commons_pool_params *p, double stock)
{
    double g;
    if (p->regrowth == REGROW_DOUBLING) {
        /* Leaving min(R, K)/2 doubles back to min(R, K): GovSim's "pool / 2". */
        double base = stock < p->capacity ? stock : p->capacity;
        g = stock - base / 2.0;
    } else {
        g = p->growth * stock * (1.0 - stock / p->capacity);
    }
    return g > 0.0 ? g : 0.0;
}

double commons_sustainable(const commons_pool_params *p, double stock, size_t n)
{
    return n ? commons_regeneration(p, stock) / (double)n : 0.0;
}

double commons_serve_proportional(const double *request, size_t n, double stock, double *served)
{
    double total = 0.0;
    for (size_t i = 0; i < n; i++)
        total += request[i];
    if (total <= stock) {
        memcpy(served, request, n * sizeof *served);
        return total;
    }
    /* Rationed: the stock is shared in proportion to the requests. */
    double given = 0.0;
    for (size_t i = 0; i < n; i++) {
        served[i] = total > 0.0 ? request[i] * (stock / total) : 0.0;
        given += served[i];
    }
    return given;
}

int commons_ticket_cmp(const void *a, const void *b)
{
    const commons_ticket *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->who != y->who)
        return x->who < y->who ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

uint64_t commons_serve_tickets(commons_ticket *tickets, size_t n, uint64_t units,
                               uint64_t *units_served, size_t n_harvesters)
{
    memset(units_served, 0, n_harvesters * sizeof *units_served);
    if ((uint64_t)n <= units) {
        /* Enough units for every request: no order needed. */
        for (size_t i = 0; i < n; i++)
            units_served[tickets[i].who]++;
        return n;
    }
    qsort(tickets, n, sizeof *tickets, commons_ticket_cmp);
    for (uint64_t i = 0; i < units; i++)
        units_served[tickets[i].who]++;
    return units;
}

int commons_collapses(const commons_pool_params *p, double after)
{
    return after < p->threshold;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double commons_gini(const double *x, size_t n, double *scratch)
{
    if (n < 2)
        return 0.0;
    double sum = 0.0, weighted = 0.0;
    if (n <= 32) {
        /* Villages are small: sum_i (2i - n - 1) x_(i) = sum_{i<j} |x_i - x_j|,
         * without sorting (no branches to mispredict). */
        for (size_t i = 0; i < n; i++) {
            sum += x[i];
            for (size_t j = i + 1; j < n; j++)
                weighted += fabs(x[i] - x[j]);
        }
    } else {
        memcpy(scratch, x, n * sizeof *scratch);
        qsort(scratch, n, sizeof *scratch, cmp_double);
        for (size_t i = 0; i < n; i++) {
            sum += scratch[i];
            weighted += (2.0 * (double)(i + 1) - (double)n - 1.0) * scratch[i];
        }
    }
    return sum > 0.0 ? weighted / ((double)n * sum) : 0.0;
}
