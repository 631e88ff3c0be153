/* Drawing cloud resources and requests from keyed streams; see cloud_instance.h.
 * The order of draws inside a stream is part of the output: append only. */
#include "cloud_instance.h"

#include <math.h>

double cloud_draw(const scenario_dist *d, pcg32 *g)
{
    switch (d->kind) {
    case DIST_UNIFORM:
        return d->a + (d->b - d->a) * rng_uniform01(g);
    case DIST_LOGNORMAL:
        return rng_lognormal(g, d->a, d->b);
    case DIST_CONSTANT:
    case DIST_LIST:
    case DIST_FILE: /* the cloud loader reads neither */
        break;
    }
    return d->a;
}

static double unit(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

void cloud_make_resource(const cloud_config *c, uint64_t seed, uint64_t j, cloud_resource *out)
{
    pcg32 g = rng_stream(seed, RNG_CLOUD_RESOURCE, j, 0);
    out->cpu = cloud_draw(&c->res_cpu, &g);
    out->mem = cloud_draw(&c->res_mem, &g);
    out->cost = cloud_draw(&c->res_cost, &g);
    out->reliability = unit(cloud_draw(&c->reliability, &g));
    out->availability = unit(cloud_draw(&c->availability, &g));
    out->energy = unit(cloud_draw(&c->energy, &g));
    out->x = rng_uniform01(&g);
    out->y = rng_uniform01(&g);
}

void cloud_make_request(const cloud_config *c, uint64_t seed, uint64_t id, uint64_t round,
                        cloud_request *out)
{
    pcg32 g = rng_stream(seed, RNG_CLOUD_REQUEST, id, round);
    double cpu = cloud_draw(&c->cpu, &g);
    double mem = cloud_draw(&c->mem, &g);
    out->id = id;
    out->amount = 1.0 + (double)rng_below(&g, (uint32_t)c->amount_max);
    out->cpu = cpu * out->amount;
    out->mem = mem * out->amount;
    out->priority = (double)rng_below(&g, (uint32_t)c->priorities);
    out->x = rng_uniform01(&g);
    out->y = rng_uniform01(&g);
    out->budget = cloud_draw(&c->budget, &g) * out->cpu;
}

void cloud_trace_request(const cloud_config *c, uint64_t seed, uint64_t index, double cpu,
                         double mem, double priority, uint64_t id, cloud_request *out)
{
    pcg32 g = rng_stream(seed, RNG_CLOUD_TRACE, index, 0);
    out->id = id;
    out->amount = 1.0;
    out->cpu = cpu;
    out->mem = mem;
    out->priority = priority;
    out->x = rng_uniform01(&g);
    out->y = rng_uniform01(&g);
    out->budget = cloud_draw(&c->budget, &g) * cpu;
}

void cloud_random_order(uint64_t seed, uint64_t id, uint64_t round, uint32_t m, double *draw,
                        uint32_t *offset)
{
    pcg32 g = rng_stream(seed, RNG_CLOUD_RANDOM, id, round);
    *draw = rng_uniform01(&g);
    *offset = rng_below(&g, m);
}
