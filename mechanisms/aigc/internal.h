/* Helpers shared by the files of mechanisms/aigc and not part of its API:
 * carving the caller's workspace into arrays, and the Clarke pivot payments
 * that every model computes the same way once it can solve "without ad i". */
#ifndef AGORA_AIGC_INTERNAL_H
#define AGORA_AIGC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "aigc.h"

/* Every carved array starts on a 16-byte boundary, so doubles, int32s and
 * bytes can be mixed in any order within one malloc'ed block. */
#define AIGC_WS_ALIGN ((size_t)16)

static inline size_t ws_round(size_t bytes)
{
    return (bytes + AIGC_WS_ALIGN - 1u) & ~(AIGC_WS_ALIGN - 1u);
}

/* Hands out the next `bytes` of the workspace and advances the cursor. */
static inline void *ws_take(unsigned char **cursor, size_t bytes)
{
    void *p = *cursor;
    *cursor += ws_round(bytes);
    return p;
}

static inline uint32_t effective_k(const aigc_instance *in)
{
    return in->k < in->m ? in->k : in->m;
}

/* aigc_assign in two steps, so that solves of the same weights with one row
 * left out share the first (assignment.c; the additive model's VCG).
 * assign_collect keeps each column's k + spare heaviest active rows: spare
 * = 1 for any solve, 2 when one row may be skipped; assign_run solves with
 * row `skip` (or AIGC_SKIP_NONE) left out. Same k, w and work in both. */
void assign_collect(uint32_t n, uint32_t m, uint32_t k, uint32_t spare, const double *w,
                    const unsigned char *active, void *work);
double assign_run(uint32_t n, uint32_t m, uint32_t k, const double *w, uint32_t skip,
                  void *work, int32_t *pos);

/* The welfare of the best allocation for everybody but ad `skip`, from
 * whatever solver the model uses; ctx is that solver's state. */
typedef double (*aigc_without_fn)(void *ctx, uint32_t skip);

/* Fills out->payment and out->price from out->position, out->clicks and
 * out->welfare: payment_i = W_{-i} - (W - v_i clicks_i) (Clarke 1971;
 * Groves 1973), for the shown ads only, since leaving out an ad that is not
 * shown leaves the optimum unchanged and its payment 0. `floor_without`, when
 * not NULL, gives a lower bound on W_{-i} (the chosen allocation with i
 * removed) that an approximate solver is raised to. Payments are clamped to
 * [0, v_i clicks_i]: with an exact solver the clamp only removes rounding;
 * with an approximate one it keeps payments individually rational. */
void aigc_fill_vcg(const aigc_instance *in, aigc_outcome *out, aigc_without_fn without,
                   aigc_without_fn floor_without, void *ctx);

/* position, clicks, payment, price of every ad to "not shown", 0. */
void aigc_clear_outcome(uint32_t n, aigc_outcome *out);

/* ---- the cascade model's shared pieces (cascade.c) ---- */

/* q_i, with the NULL-means-1 convention of aigc_instance. */
static inline double cont_of(const aigc_instance *in, uint32_t i)
{
    return in->cont ? in->cont[i] : 1.0;
}

/* Welfare of a list given by position: ad_at[j] is the ad at position j, or
 * AIGC_NOT_SHOWN. Every cascade solver reports its welfare through this one
 * function, so W and W_{-i} in the payments round the same way. */
double cascade_list_welfare(const aigc_instance *in, const int32_t *ad_at);

/* position[i] (n entries) from ad_at[j] (m entries). */
void cascade_list_to_positions(const aigc_instance *in, const int32_t *ad_at,
                               int32_t *position);

/* Workspace layout shared by the cascade solvers: the VCG slots first, then
 * the solver's own arrays, so a "without i" solve can reuse the block while
 * the chosen list stays in place. */
typedef struct {
    int32_t *scratch;   /* n: positions of a "without i" solve */
    int32_t *chosen_at; /* m: the chosen list, for the VCG floor */
    unsigned char *rest;
} cascade_vcg_ws;

size_t cascade_vcg_ws_size(uint32_t n, uint32_t m);
cascade_vcg_ws cascade_vcg_carve(void *work, uint32_t n, uint32_t m);

/* The approximate solver in two steps, so that VCG ranks the ads once and
 * then solves with each shown ad left out (cascade_approx.c). */
void cascade_approx_prepare(const aigc_instance *in, void *work);
double cascade_approx_solve(const aigc_instance *in, uint32_t skip, void *work,
                            int32_t *position);

#endif
