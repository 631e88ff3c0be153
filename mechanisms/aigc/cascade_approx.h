/* The approximate cascade solver's state, shared by its two stages
 * (cascade_approx.c: rankings and programs, and the solver; cascade_search.c:
 * the local search). Not part of the API. */
#ifndef AGORA_AIGC_CASCADE_APPROX_H
#define AGORA_AIGC_CASCADE_APPROX_H

#include "internal.h"

/* A program's decision at (ad, position): pass the ad over, leave the
 * position empty, or show the ad there. */
enum { SKIP_AD = 0, EMPTY_POS = 1, PLACE = 2 };

/* Stage 1's rankings: the mean, the first and the last position. More
 * find better starts, and each costs a program: on 20000 random instances
 * (n <= 12, m <= 6) the mean gap to the optimum was 0.0046% with 1 ranking,
 * 0.0020% with 3, 0.0012% with all m + 1. */
enum { CASCADE_RANKINGS = 3 };

static inline uint32_t rankings(uint32_t m)
{
    return m + 1u < (uint32_t)CASCADE_RANKINGS ? m + 1u : (uint32_t)CASCADE_RANKINGS;
}

typedef struct {
    double *gain;            /* m * n, position-major: v_u p_uj, for scans over ads */
    double *pass;            /* m * n: (1 - p_uj) q_u */
    double *gain_am, *pass_am; /* n * m each: the same, ad-major, for one ad's row */
    unsigned char *avail;    /* n: can be put in now (value > 0, not skipped, unshown) */
    uint32_t *pool;          /* m * n: per position, the ads that can be its best new one */
    uint32_t *pool_len;      /* m */
    uint32_t *order;         /* rankings * n: the ads with value > 0, ranked */
    uint32_t *rank_of;       /* rankings * n: index in `order`, or UINT32_MAX */
    uint32_t *state;         /* 2: ads per ranking; whether `values` holds the
                              * programs over the full rankings */
    double *score;           /* n */
    uint32_t *buffer;        /* n: merge-sort buffer, then a filtered ranking */
    int32_t *ad_at, *best_at; /* m each: the list, the best of stage 1 */
    double *values;          /* rankings * (n + 1) layers of (m + 1) * (m + 1) */
    unsigned char *choice;   /* rankings * n layers of m * (m + 1) decisions */
    unsigned char *redo;     /* n layers of m * (m + 1): a "without i" program */
    double *layer_a, *layer_b; /* (m + 1)^2 each */
    unsigned char *order_choice; /* m * (m + 1): neighbourhood c's program */
    double *prefix, *reach, *suffix; /* m + 1 each */
    int32_t *cand;           /* m: best unshown ad per position */
    double *cand_value;      /* m */
    int32_t *shown_seq, *trial_seq; /* m each: shown ads in reading order */
} approx_ws;

/* The workspace of aigc_cascade_approx_workspace_size(n, m), past the VCG
 * slots, as arrays. */
approx_ws cascade_approx_carve(void *work, uint32_t n, uint32_t m);

/* What ad u adds at position j per unit of reach, and the share of readers
 * it passes on; m is the number of positions. */
static inline double gain_of(const approx_ws *a, uint32_t m, int32_t u, uint32_t j)
{
    return a->gain_am[(size_t)(uint32_t)u * m + j];
}
static inline double pass_of(const approx_ws *a, uint32_t m, int32_t u, uint32_t j)
{
    return a->pass_am[(size_t)(uint32_t)u * m + j];
}

/* Puts x (or nothing) at position j, keeping avail in step. */
static inline void put(const approx_ws *a, int32_t *position, uint32_t j, int32_t x)
{
    if (a->ad_at[j] != AIGC_NOT_SHOWN) {
        position[a->ad_at[j]] = AIGC_NOT_SHOWN;
        a->avail[a->ad_at[j]] = 1;
    }
    a->ad_at[j] = x;
    if (x != AIGC_NOT_SHOWN) {
        position[x] = (int32_t)j;
        a->avail[x] = 0;
    }
}

/* Stage 2: improves the list in a->ad_at (mirrored in position and
 * a->avail) by local search, at most k ads shown. */
void cascade_search(const aigc_instance *in, const approx_ws *a, uint32_t k, int32_t *position);

#endif
