/* Random numbers for the whole simulator: the PCG32 generator (O'Neill 2014,
 * "PCG: A Family of Simple Fast Space-Efficient Statistically Good Algorithms
 * for Random Number Generation"), the keyed streams that make a run independent
 * of how work is split across ranks, and the few distributions the models need.
 *
 * Everything here is a frozen format: scenario outputs are compared bit for bit
 * across versions, so changing any formula (the key mixer, the order in which
 * raw outputs are consumed, the sampling algorithms) changes every result. */
#include "rng.h"

#include <math.h>

#define PCG32_MULT 6364136223846793005ULL
/* M_PI is not C11; spelled out to the last double digit. */
#define TWO_PI 6.283185307179586476925286766559

/* One LCG step. The increment must be odd for the full 2^64 period. */
static inline void pcg32_step(pcg32 *g)
{
    g->state = g->state * PCG32_MULT + g->inc;
}

/* XSH-RR: xorshift the high bits down, then rotate by the top 5 bits. The
 * output is taken from the state *before* the step, as pcg-cpp's pcg32 does,
 * so the multiply and the output computation can overlap. */
void pcg32_seed(pcg32 *g, uint64_t initstate, uint64_t stream)
{
    g->state = 0u;
    g->inc = (stream << 1u) | 1u;
    pcg32_step(g);
    g->state += initstate;
    pcg32_step(g);
}

/* ---- keyed streams ----------------------------------------------------- */

/* splitmix64's finaliser (Steele, Lea, Flood 2014; constants from Vigna): a
 * bijection on 64 bits with full avalanche. */
static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Key-part constants: distinct odd words so that a value means something
 * different in each position (seed 3, purpose 1 is not seed 1, purpose 3). */
#define KEY_SEED 0x9e3779b97f4a7c15ULL
#define KEY_PURPOSE 0xd1b54a32d192ed03ULL
#define KEY_ENTITY 0x8cb92ba72f3d8dd7ULL
#define KEY_ROUND 0xaef17502108ef2d9ULL
#define KEY_STREAM 0xf1357aea2e62a9c5ULL

/* Folds one key part into the running hash. mix64 is a bijection, so for a
 * fixed prefix two different parts always give two different hashes; across
 * prefixes a collision needs a 64-bit coincidence. */
static inline uint64_t absorb(uint64_t h, uint64_t part, uint64_t key)
{
    return mix64(h ^ mix64(part + key));
}

/* FROZEN FORMAT (changing it changes every output of every scenario):
 *   h = mix64(seed + KEY_SEED)
 *   h = mix64(h ^ mix64(purpose + KEY_PURPOSE))
 *   h = mix64(h ^ mix64(entity  + KEY_ENTITY))
 *   h = mix64(h ^ mix64(round   + KEY_ROUND))
 *   initstate = h, stream = mix64(h ^ KEY_STREAM)
 *   generator = pcg32_seed(initstate, stream)
 * with mix64 the splitmix64 finaliser above and all arithmetic mod 2^64.
 * Both the start point and the stream (the LCG increment) depend on the key,
 * so two keys share neither a sequence nor a shifted copy of one. */
rng_key rng_key_of(uint64_t seed, uint32_t purpose, uint64_t round)
{
    rng_key k = {absorb(mix64(seed + KEY_SEED), purpose, KEY_PURPOSE), mix64(round + KEY_ROUND)};
    return k;
}

/* absorb(h, round, KEY_ROUND) is mix64(h ^ round_part). */
pcg32 rng_stream_of(rng_key key, uint64_t entity)
{
    uint64_t h = mix64(absorb(key.prefix, entity, KEY_ENTITY) ^ key.round_part);
    pcg32 g;
    pcg32_seed(&g, h, mix64(h ^ KEY_STREAM));
    return g;
}

pcg32 rng_stream(uint64_t seed, uint32_t purpose, uint64_t entity, uint64_t round)
{
    return rng_stream_of(rng_key_of(seed, purpose, round), entity);
}

/* ---- distributions ----------------------------------------------------- */

/* Lemire, "Fast Random Integer Generation in an Interval" (2019): the high
 * word of x * bound is the answer; the low word tells whether x fell in the
 * short, biased part of the range, and only then is a division needed. */
/* The first output supplies the high 32 bits, the second the low 21. */
double rng_uniform01(pcg32 *g)
{
    uint64_t hi = pcg32_next(g);
    uint64_t lo = pcg32_next(g);
    return (double)(((hi << 32) | lo) >> 11) * 0x1.0p-53;
}

/* Box-Muller. The sine half is discarded on purpose: a generator is tied to
 * one key, so a cached second value would make a draw depend on history. */
double rng_normal(pcg32 *g)
{
    double u1 = 1.0 - rng_uniform01(g); /* (0, 1]: log stays finite */
    double u2 = rng_uniform01(g);
    return sqrt(-2.0 * log(u1)) * cos(TWO_PI * u2);
}

double rng_lognormal(pcg32 *g, double mu, double sigma)
{
    return exp(mu + sigma * rng_normal(g));
}

int rng_bernoulli(pcg32 *g, double p)
{
    return rng_uniform01(g) < p;
}

/* Small means: inversion, walking the CDF from 0 with one uniform. If rounding
 * leaves the summed CDF just below u, the terms underflow to zero before u is
 * reached; that draw is discarded and redone, which conditions on the
 * representable range instead of piling the lost mass onto one value. */
static uint32_t poisson_inversion(pcg32 *g, double mean)
{
    double p0 = exp(-mean);
    for (;;) {
        double u = rng_uniform01(g);
        double p = p0, cdf = p0;
        uint32_t k = 0;
        while (u >= cdf && p > 0.0) {
            k++;
            p *= mean / k;
            cdf += p;
        }
        if (u < cdf)
            return k;
    }
}

/* Hörmann, "The transformed rejection method for generating Poisson random
 * variables" (Insurance: Mathematics and Economics 12, 1993), algorithm PTRS:
 * a hat built from a transformed uniform, a cheap squeeze that accepts most
 * draws, and an exact log-density test for the rest. Constants from the paper. */
static uint32_t poisson_ptrs(pcg32 *g, double mean)
{
    double slam = sqrt(mean);
    double loglam = log(mean);
    double b = 0.931 + 2.53 * slam;
    double a = -0.059 + 0.02483 * b;
    double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    double v_r = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
        double u = rng_uniform01(g) - 0.5;
        double v = rng_uniform01(g);
        double us = 0.5 - fabs(u);
        if (us <= 0.0)
            continue; /* u = -0.5 exactly: the transform is singular there */
        double k = floor((2.0 * a / us + b) * u + mean + 0.43);
        if (us >= 0.07 && v <= v_r)
            return k >= 4294967295.0 ? UINT32_MAX : (uint32_t)k;
        if (k < 0.0 || (us < 0.013 && v > us))
            continue;
        double lhs = log(v * inv_alpha / (a / (us * us) + b));
        double rhs = -mean + k * loglam - lgamma(k + 1.0);
        if (lhs <= rhs)
            return k >= 4294967295.0 ? UINT32_MAX : (uint32_t)k;
    }
}

uint32_t rng_poisson(pcg32 *g, double mean)
{
    if (!(mean > 0.0))
        return 0;
    return mean < 10.0 ? poisson_inversion(g, mean) : poisson_ptrs(g, mean);
}
