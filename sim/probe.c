/* Mechanism-property probes; see probe.h. */
#include "probe.h"

#include <math.h>

double probe_grid_point(double value, double span, uint32_t points, uint32_t k)
{
    return value * span * (double)k / (double)(points - 1u);
}

double probe_best_gain(probe_utility_fn u, void *ctx, uint32_t who, double value, double actual,
                       double span, uint32_t points, double *at_actual)
{
    double base = u(ctx, who, actual), best = 0.0;
    for (uint32_t k = 0; k < points; k++) {
        double gain = u(ctx, who, probe_grid_point(value, span, points, k)) - base;
        /* A NaN gain (a broken mechanism) must show, not vanish in the max. */
        if (gain > best || isnan(gain))
            best = gain;
    }
    if (at_actual)
        *at_actual = base;
    return best;
}

int probe_ir_violated(double utility, double scale)
{
    double s = fabs(scale) > 1.0 ? fabs(scale) : 1.0;
    return !(utility >= -PROBE_TOLERANCE * s);
}

void probe_participant(probe_stats *stats, probe_utility_fn u, void *ctx, uint32_t who,
                       double value, double actual, double span, uint32_t points, double scale)
{
    double base;
    double gain = probe_best_gain(u, ctx, who, value, actual, span, points, &base);
    stats->probed++;
    if (gain > stats->max_gain || isnan(gain))
        stats->max_gain = gain;
    stats->ir_violations += (uint64_t)probe_ir_violated(base, scale);
}

int probe_selects(uint64_t g, uint64_t probed, uint64_t total)
{
    if (probed == 0 || total == 0)
        return 0;
    uint64_t stride = total / probed;
    if (stride == 0)
        stride = 1;
    return g % stride == 0 && g / stride < probed;
}

void probe_merge(probe_stats *into, const probe_stats *from)
{
    if (from->max_gain > into->max_gain || isnan(from->max_gain))
        into->max_gain = from->max_gain;
    into->probed += from->probed;
    into->ir_violations += from->ir_violations;
    into->infeasible += from->infeasible;
}
