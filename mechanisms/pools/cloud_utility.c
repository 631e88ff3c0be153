/* The utility every cloud mechanism values a (request, resource) pair with,
 * the price rule carried across rounds, and Jain's fairness index; see cloud.h
 * for the formulas. Terms are normalised to [0, 1] so the weights mean shares. */
#include <math.h>

#include "cloud.h"

const char *const cloud_mechanism_names[CLOUD_MECHANISMS + 1] = {
    "mohaf", "greedy", "first_price", "random", "optimal", NULL};

double cloud_cost(const cloud_request *q, double price)
{
    return price * q->cpu;
}

int cloud_pair_feasible(const cloud_request *q, const cloud_resource *r, double price)
{
    return q->cpu <= r->cpu && q->mem <= r->mem && cloud_cost(q, price) <= q->budget;
}

double cloud_utility(const cloud_request *q, const cloud_resource *r, double price, double load,
                     const cloud_weights *w)
{
    double cost_term = q->budget > 0 ? 1.0 - cloud_cost(q, price) / q->budget : 0.0;
    if (cost_term < 0)
        cost_term = 0;
    double dx = q->x - r->x, dy = q->y - r->y;
    double closeness = 1.0 - sqrt(dx * dx + dy * dy) / sqrt(2.0);
    if (closeness < 0)
        closeness = 0;
    double qos = (closeness + r->reliability + r->availability) / 3.0;
    return w->cost * cost_term + w->qos * qos + w->energy * r->energy +
           w->fairness * (1.0 - load);
}

double cloud_price_next(double price, double utilisation, double cost,
                        const cloud_price_rule *rule)
{
    double next = price * (1.0 + rule->step * (utilisation - rule->target));
    double lo = rule->floor * cost, hi = rule->cap * cost;
    if (next < lo)
        next = lo;
    if (next > hi)
        next = hi;
    return next;
}

double cloud_jain(double sum, double sum_sq, double n)
{
    if (!(n > 0) || !(sum_sq > 0))
        return 0.0;
    return sum * sum / (n * sum_sq);
}
