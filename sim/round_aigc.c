/* AIGC markets in the round (mechanism.name: aigc): the ranking and pricing
 * step of a position auction is replaced by a user model of mechanisms/aigc
 * (additive, mnl, cascade, cascade_exact) over a CTR for every (ad, position)
 * pair; everything around it (participants, routing, budgets, settlement,
 * bandit learners) is the position market's.
 *
 * Pair CTRs: an explicit agents x positions matrix (mechanism.pair_ctr; from a
 * file, each row answered by its agent's owner beside the bid), or the
 * separable generator quality_i * ctr_j, times lognormal noise
 * exp(sigma Z - sigma^2 / 2) (mean 1) with Z drawn from the stream keyed by
 * (seed, RNG_PAIR_NOISE, global auction, round) in bidder-slot then position
 * order, so any rank draws the same. Cascade click probabilities are capped at 1.
 * Winners pay the model's expected VCG payment for their expected clicks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "round.h"

agora_status market_aigc_init(market *m, agora_error *err)
{
    const scenario *s = m->s;
    uint32_t n = m->bidders, slots = m->params.slots;
    m->aigc = aigc_model_find(s->mechanism.user_model);
    if (!m->aigc)
        return agora_fail(err, AGORA_EINTERNAL, "user model '%s' vanished from the registry",
                          s->mechanism.user_model);
    size_t work = m->aigc->workspace_size(n, slots);
    m->aigc_work = malloc(work ? work : 1);
    m->pair = malloc((size_t)n * slots * sizeof *m->pair);
    m->aigc_value = malloc((size_t)n * sizeof(double));
    m->aigc_pos = malloc((size_t)n * sizeof *m->aigc_pos);
    m->aigc_clicks = malloc((size_t)n * sizeof(double));
    m->aigc_pay = malloc((size_t)n * sizeof(double));
    m->aigc_price = malloc((size_t)n * sizeof(double));
    if (s->mechanism.continuation < 1.0 && (m->cont = malloc((size_t)n * sizeof(double))))
        for (uint32_t i = 0; i < n; i++)
            m->cont[i] = s->mechanism.continuation;
    if (!m->aigc_work || !m->pair || !m->aigc_value || !m->aigc_pos || !m->aigc_clicks ||
        !m->aigc_pay || !m->aigc_price || (s->mechanism.continuation < 1.0 && !m->cont))
        return agora_fail(err, AGORA_EINTERNAL, "out of memory for the aigc user model");
    return AGORA_OK;
}

void market_aigc_free(market *m)
{
    void *owned[] = {m->aigc_work, m->pair,     m->aigc_value, m->aigc_pos,
                     m->aigc_clicks, m->aigc_pay, m->aigc_price, m->cont};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        free(owned[i]);
}

static int cascade_model(const market *m)
{
    return strncmp(m->s->mechanism.user_model, "cascade", 7) == 0;
}

/* The auction's pair CTRs into m->pair (bidder slot i, position j). */
static void pair_ctrs(market *m, uint64_t g, uint64_t t, size_t base)
{
    const scenario *s = m->s;
    uint32_t n = m->bidders, slots = m->params.slots;
    double sigma = s->mechanism.pair_noise;
    int cascade = cascade_model(m);
    pcg32 rng = {0, 1};
    if (sigma > 0.0)
        rng = rng_stream(s->seed, RNG_PAIR_NOISE, g, t);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t id = m->participant[base + i];
        double q = m->quality ? m->quality[i] : 1.0;
        double *row = m->pair + (size_t)i * slots;
        const double *given = m->send_pair ? m->send_pair + market_slot(m, base + i) * slots
                              : s->mechanism.pair_ctr ? s->mechanism.pair_ctr + (size_t)id * slots
                                                      : NULL;
        for (uint32_t j = 0; j < slots; j++) {
            double c = given ? given[j] : q * s->mechanism.ctr[j];
            if (sigma > 0.0)
                c *= exp(sigma * rng_normal(&rng) - 0.5 * sigma * sigma);
            row[j] = cascade && c > 1.0 ? 1.0 : c;
        }
    }
}

/* The instance the model sees: the auction's eligible reports as values. */
static aigc_instance instance(const market *m, const double *reports)
{
    return (aigc_instance){m->bidders, m->params.slots, m->s->mechanism.max_shown, m->pair,
                           reports, m->cont};
}

void market_aigc_auction(market *m, uint64_t g, uint64_t t, size_t base,
                         fixed_sum sums[METRIC_SUMMED])
{
    uint32_t n = m->bidders;
    double reserve = m->params.reserve;
    pair_ctrs(m, g, t, base);
    /* Ineligible reports (not positive, under the reserve) are never shown. */
    for (uint32_t i = 0; i < n; i++) {
        double b = m->bids[i];
        m->aigc_value[i] = b > 0.0 && b >= reserve ? b : 0.0;
    }
    aigc_instance in = instance(m, m->aigc_value);
    aigc_outcome out = {m->aigc_pos, m->aigc_clicks, m->aigc_pay, m->aigc_price, 0.0};
    m->aigc->run(&in, m->aigc_work, &out); /* ETOOBIG is refused at load time */
    size_t shown = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (out.position[i] == AIGC_NOT_SHOWN)
            continue;
        market_stage_winner(m, base + i, out.clicks[i], out.payment[i]);
        shown++;
    }
    fixed_add(&sums[METRIC_ADS_SHOWN], (double)shown);
}
