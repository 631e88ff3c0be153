/* Peaks, drift, revision and probe draws for the facility family; see
 * facility_agents.h. Each function opens its own keyed stream, so results are a
 * pure function of (seed, agent or instance, round). */
#include <math.h>

#include "facility_agents.h"
#include "rng.h"

double facility_fold(double x)
{
    if (!isfinite(x))
        return 0.0;
    x = fmod(fabs(x), 2.0);
    if (x > 1.0)
        x = 2.0 - x;
    return x == 0.0 ? 0.0 : x; /* +0.0: bit patterns of peaks order like values */
}

/* Marsaglia and Tsang (2000) for shape >= 1; shape < 1 by Gamma(shape + 1) * U^(1/shape). */
static double gamma_draw(pcg32 *g, double shape)
{
    double boost = 1.0;
    if (shape < 1.0) {
        double u = rng_uniform01(g);
        boost = pow(u > 0.0 ? u : 0x1p-53, 1.0 / shape);
        shape += 1.0;
    }
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double z = rng_normal(g), v = 1.0 + c * z;
        if (v <= 0.0)
            continue;
        v = v * v * v;
        double u = rng_uniform01(g);
        if (u < 1.0 - 0.0331 * z * z * z * z || log(u) < 0.5 * z * z + d * (1.0 - v + log(v)))
            return d * v * boost;
    }
}

double facility_peak_draw(const facility_peaks *d, uint64_t seed, uint64_t agent)
{
    pcg32 g = rng_stream(seed, RNG_FACILITY_PEAK, agent, 0);
    switch (d->kind) {
    case PEAKS_UNIFORM:
        return facility_fold(d->low + (d->high - d->low) * rng_uniform01(&g));
    case PEAKS_BETA: {
        double x = gamma_draw(&g, d->a), y = gamma_draw(&g, d->b);
        return x + y > 0.0 ? facility_fold(x / (x + y)) : 0.0;
    }
    case PEAKS_CLUSTERS: {
        double total = 0.0, acc = 0.0;
        for (size_t j = 0; j < d->n_clusters; j++) /* weights as given, not normalised */
            total += d->weights[j];
        double u = rng_uniform01(&g) * total;
        size_t j = 0;
        for (; j + 1 < d->n_clusters; j++) {
            acc += d->weights[j];
            if (u < acc)
                break;
        }
        return facility_fold(d->centers[j] + d->spread * rng_normal(&g));
    }
    case PEAKS_TWO_POINT:
        return rng_bernoulli(&g, d->ones) ? 1.0 : 0.0;
    case PEAKS_LIST:
        return d->list[agent];
    }
    return 0.0;
}

double facility_drift(double x, double step, uint64_t seed, uint64_t agent, uint64_t round)
{
    if (step == 0.0)
        return x;
    pcg32 g = rng_stream(seed, RNG_FACILITY_DRIFT, agent, round);
    return facility_fold(x + step * rng_normal(&g));
}

int facility_moves(double fraction, uint64_t seed, uint64_t agent, uint64_t round)
{
    if (fraction >= 1.0)
        return 1;
    pcg32 g = rng_stream(seed, RNG_FACILITY_MOVE, agent, round);
    return rng_uniform01(&g) < fraction;
}

uint64_t facility_probe_pick(uint64_t n, uint64_t seed, uint64_t entity, uint64_t round)
{
    pcg32 g = rng_stream(seed, RNG_FACILITY_PROBE, entity, round);
    uint64_t hi = pcg32_next(&g), lo = pcg32_next(&g);
    return ((hi << 32) | lo) % n; /* bias <= n / 2^64: negligible */
}
