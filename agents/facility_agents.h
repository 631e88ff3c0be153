/* Agents of the facility location family: where their peaks come from (a
 * distribution or a list), how peaks drift between rounds, and the keyed random
 * draws behind drift, best-response moves and probe samples. Every draw comes
 * from rng_stream(seed, purpose, entity, round) (sim/rng.h, purposes 10..19), so
 * an agent's peak and report never depend on which rank holds it.
 * Behaviours: `truthful` reports the peak each round; `best_response` starts
 * truthful and then, each round, a `fraction` of agents (each independently)
 * replaces its report with a best response to the others' reports of the last
 * round (facility_best_response in mechanisms/facility). Plain C: no MPI. */
#ifndef AGORA_FACILITY_AGENTS_H
#define AGORA_FACILITY_AGENTS_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    PEAKS_UNIFORM,   /* [low, high) */
    PEAKS_BETA,      /* Beta(a, b) */
    PEAKS_CLUSTERS,  /* centre c_j with probability w_j, plus spread * N(0, 1), folded into [0, 1] */
    PEAKS_TWO_POINT, /* 1 with probability `ones`, else 0 */
    PEAKS_LIST       /* list[agent id] */
} facility_peak_kind;

typedef struct {
    facility_peak_kind kind;
    double low, high;   /* uniform */
    double a, b;        /* beta */
    double *centers;    /* clusters (owned) */
    double *weights;    /* clusters: relative weights, any positive scale (owned) */
    size_t n_clusters;
    double spread;      /* clusters */
    double ones;        /* two_point */
    double *list;       /* list (owned) */
    size_t n_list;
} facility_peaks;

typedef enum { FACILITY_TRUTHFUL, FACILITY_BEST_RESPONSE } facility_behaviour;

/* The initial peak of agent `agent` (global id). */
double facility_peak_draw(const facility_peaks *d, uint64_t seed, uint64_t agent);
/* x folded into [0, 1] (reflection at both ends); never -0.0. */
double facility_fold(double x);
/* The peak after round `round`'s random-walk step of standard deviation `step`. */
double facility_drift(double x, double step, uint64_t seed, uint64_t agent, uint64_t round);
/* Whether a best-responding agent revises its report in `round`. */
int facility_moves(double fraction, uint64_t seed, uint64_t agent, uint64_t round);
/* A probed agent: uniform over [0, n), from the stream keyed by `entity`
 * (instance * probes.agents + j for the j-th probe of an instance; the probe
 * index j for the giant instance). */
uint64_t facility_probe_pick(uint64_t n, uint64_t seed, uint64_t entity, uint64_t round);

#endif
