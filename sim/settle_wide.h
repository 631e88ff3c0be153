/* Settling winners eight at a time with AVX-512 (settle_wide.c), for agents
 * without budgets or learner state: the common truthful or shading market. */
#ifndef AGORA_SETTLE_WIDE_H
#define AGORA_SETTLE_WIDE_H

#include <stddef.h>
#include <stdint.h>

#include "behaviour.h"
#include "fixed_sum.h"
#include "win_outcome.h"

/* Whether settle_wide settles anything in this process (CPU and AGORA_SIMD). */
int settle_wide_available(void);

/* Applies the first outcomes of o[0 .. count) in order, as settle_outcomes
 * (round.c) does for such agents: local agent win_outcome_agent(o, index) is
 * charged the payment and credited the clicks, each sum gains its terms
 * (welfare value * clicks, revenue the payment, clicks) as fixed_add_unclamped
 * would, and *digest follows the agents' hashes (population_agent_hash). A
 * NULL welfare leaves the values unread: the caller counted welfare. Returns how
 * many it applied: a multiple of eight, 0 where the CPU lacks AVX-512 or
 * AGORA_SIMD names a narrower path; the caller settles the rest. */
size_t settle_wide(const agent_state *a, const win_outcome *o, size_t count, const uint32_t *index,
                   fixed_sum *welfare, fixed_sum *revenue, fixed_sum *clicks, uint64_t *digest);

#endif
