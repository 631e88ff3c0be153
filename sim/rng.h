/* Random numbers: PCG32 (O'Neill 2014: XSH-RR output, 64-bit LCG state,
 * selectable stream), bit-compatible with pcg-cpp's pcg32(seed, stream), and the
 * keyed streams that make runs reproducible at any rank count: every draw comes
 * from rng_stream(seed, purpose, entity, round), never from a rank's running
 * sequence. */
#ifndef AGORA_RNG_H
#define AGORA_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t state;
    uint64_t inc; /* always odd */
} pcg32;

/* What a stream is for; part of its key so purposes never share draws.
 * Append only: renumbering changes every output. */
typedef enum {
    RNG_VALUE = 1,        /* entity: agent id; round 0 */
    RNG_BUDGET = 2,       /* entity: agent id; round 0 */
    RNG_PARTICIPANTS = 3, /* entity: global auction index; round t */
    RNG_CLICKS = 4,       /* entity: global auction index; round t */
    RNG_BEHAVIOUR = 5,    /* entity: agent id; round t: the agent's draws for the round */
    RNG_QUALITY = 6,      /* entity: agent id; round 0: the ad's quality score */
    RNG_PAIR_NOISE = 7,   /* entity: global auction index; round t: AIGC pair-CTR noise */
    /* Reserved ranges, one per family, so families never renumber each other:
     * 6..9 position extensions, 10..19 facility location, 20..29 cloud
     * auctions, 30..39 common-pool resources. */
    /* cloud auctions (sim/cloud_instance.c): */
    RNG_CLOUD_RESOURCE = 20, /* entity: resource id; round 0: its attributes */
    RNG_CLOUD_REQUEST = 21,  /* entity: request id in its round; round t: its attributes */
    RNG_CLOUD_TRACE = 22,    /* entity: trace event index; round 0: location, budget */
    RNG_CLOUD_RANDOM = 23,   /* entity: request id; round t: the random mechanism's order */
    /* common-pool resources (sim/commons_run.c; entity: global harvester id): */
    RNG_COMMONS_STRATEGY = 30, /* round 0: the initial strategy (behaviour group) */
    RNG_COMMONS_EVOLVE = 31,   /* round t: update draws after round t (villages: pool id) */
    RNG_COMMONS_UNITS = 32,    /* round t: sort keys of the request's units (random_units) */
    /* facility location (agents/facility_peaks.c): */
    RNG_FACILITY_PEAK = 10,  /* entity: agent id; round 0: the initial peak */
    RNG_FACILITY_DRIFT = 11, /* entity: agent id; round t: the peak's random-walk step */
    RNG_FACILITY_MOVE = 12,  /* entity: agent id; round t: whether a best responder revises */
    RNG_FACILITY_PROBE = 13, /* entity: instance (giant: probe index); round t: probed agents */
} rng_purpose;

/* pcg32_srandom_r / pcg32(initstate, stream). */
void pcg32_seed(pcg32 *g, uint64_t initstate, uint64_t stream);

/* The next output (XSH-RR of the old state). Inline: participant sampling draws
 * one per bid request. */
static inline uint32_t pcg32_next(pcg32 *g)
{
    uint64_t old = g->state;
    g->state = old * 6364136223846793005ULL + g->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((0u - rot) & 31u));
}

/* A generator keyed by (seed, purpose, entity, round) through a 64-bit mixer;
 * distinct keys give unrelated (state, stream) pairs. */
pcg32 rng_stream(uint64_t seed, uint32_t purpose, uint64_t entity, uint64_t round);

/* The parts of that key the streams of many entities share (seed and purpose
 * hashed, the round's part mixed), so that each entity's stream costs half
 * the mixing: rng_stream_of(rng_key_of(s, p, r), e) == rng_stream(s, p, e, r). */
typedef struct {
    uint64_t prefix, round_part;
} rng_key;
rng_key rng_key_of(uint64_t seed, uint32_t purpose, uint64_t round);
pcg32 rng_stream_of(rng_key key, uint64_t entity);

/* Uniform integer in [0, bound), bound >= 1, unbiased (Lemire 2019: one
 * multiply; the division only when the low half falls below bound). */
static inline uint32_t rng_below(pcg32 *g, uint32_t bound)
{
    uint64_t m = (uint64_t)pcg32_next(g) * bound;
    uint32_t low = (uint32_t)m;
    if (low < bound) {
        uint32_t threshold = (0u - bound) % bound; /* 2^32 mod bound */
        while (low < threshold) {
            m = (uint64_t)pcg32_next(g) * bound;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}
/* Uniform double in [0, 1) with 53 random bits. */
double rng_uniform01(pcg32 *g);
double rng_normal(pcg32 *g); /* standard normal */
double rng_lognormal(pcg32 *g, double mu, double sigma);
int rng_bernoulli(pcg32 *g, double p);
/* Poisson(mean), mean >= 0. */
uint32_t rng_poisson(pcg32 *g, double mean);

#endif
