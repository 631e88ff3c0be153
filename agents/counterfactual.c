/* Counterfactual utilities in one position auction: what each candidate bid
 * would have earned had everyone else bid the same. Hedge needs one number per
 * grid level each round (full information, Freund & Schapire 1997); regret is
 * measured against the same numbers.
 *
 * The pricing rules are re-derived here, not called, because the question is
 * "what if my bid had been b" with the others' ranking fixed:
 *   GSP (Edelman, Ostrovsky & Schwarz 2007; Varian 2007): pay the next bid;
 *   VCG (ibid.): pay the clicks taken from those below,
 *       T_s = sum_{j=s}^{S-1} (ctr_j - ctr_{j+1}) b'_{j+1};
 *   GFP: pay your own bid.
 * With the agent in slot s, the bidder ranked j+1 > s is others[j], so each
 * rule needs only the top `slots` other bids. The arithmetic follows
 * mechanisms/position/{gsp,vcg,gfp}.c step for step, in the same order, so
 * that the utility of the bid actually made matches position_run to the bit:
 * a learner's realised and counterfactual utilities then never disagree by a
 * rounding error that would show up as spurious regret. */
#include "learning.h"

#include <string.h>

int cf_rule_find(const char *name, cf_rule *out)
{
    static const struct {
        const char *name;
        cf_rule rule;
    } rules[] = {{"gsp", CF_GSP}, {"vcg", CF_VCG}, {"gfp", CF_GFP}};
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i].name, name) == 0) {
            *out = rules[i].rule;
            return 0;
        }
    return -1;
}

/* As in mechanisms/position/rank.c: NaN fails both comparisons. */
static inline int eligible(double bid, double reserve)
{
    return bid > 0.0 && bid >= reserve;
}

/* How many leading entries of the sorted others take part (eligible), capped
 * at slots: those are the only ones any rule reads. */
static uint32_t eligible_prefix(const position_params *p, const double *others,
                                uint32_t n_others)
{
    uint32_t cap = n_others < p->slots ? n_others : p->slots;
    uint32_t n = 0;
    while (n < cap && eligible(others[n], p->reserve))
        n++;
    return n;
}

/* The VCG price per click of slot s: T_s / ctr_s, T_s summed from the
 * bottom slot up exactly as position_price_vcg does (it reaches T_s through
 * the same partial sums), with b'_{j+1} = others[j] or the reserve. */
static double vcg_price(const position_params *p, const double *others, uint32_t n_elig,
                        uint32_t s)
{
    uint32_t slots = p->slots;
    double total = 0.0;
    for (uint32_t j = slots; j-- > s;) {
        double below = j + 1u < slots ? p->ctr[j + 1u] : 0.0;
        total += (p->ctr[j] - below) * (j < n_elig ? others[j] : p->reserve);
    }
    return p->ctr[s] > 0.0 ? total / p->ctr[s] : 0.0;
}

static double utility(cf_rule rule, const position_params *p, const double *others,
                      uint32_t n_elig, double value, double bid)
{
    if (!eligible(bid, p->reserve))
        return 0.0;
    /* The agent loses ties: every other bid >= its own ranks above it. */
    uint32_t s = 0;
    while (s < n_elig && others[s] >= bid)
        s++;
    if (s >= p->slots)
        return 0.0;
    double price;
    switch (rule) {
    case CF_GSP: {
        double next = s < n_elig ? others[s] : p->reserve;
        price = next > p->reserve ? next : p->reserve;
        break;
    }
    case CF_VCG:
        price = vcg_price(p, others, n_elig, s);
        break;
    case CF_GFP:
        price = bid;
        break;
    default:
        return 0.0;
    }
    /* value * clicks - price * clicks, as the engine charges price * clicks. */
    double clicks = p->ctr[s];
    return value * clicks - price * clicks;
}

double cf_utility(cf_rule rule, const position_params *p, const double *others,
                  uint32_t n_others, double value, double bid)
{
    return utility(rule, p, others, eligible_prefix(p, others, n_others), value, bid);
}

void cf_utilities(cf_rule rule, const position_params *p, const double *others,
                  uint32_t n_others, double value, const double *bids, uint32_t L,
                  double *out)
{
    uint32_t n_elig = eligible_prefix(p, others, n_others);
    for (uint32_t k = 0; k < L; k++)
        out[k] = utility(rule, p, others, n_elig, value, bids[k]);
}

/* The slot bid would take: the eligible others >= bid (the agent loses ties).
 * Moved from the previous level's slot rather than searched for: grid bids
 * rise with k, so over the whole grid the pointer moves at most n_elig steps
 * (the second loop only matters should rounding ever make a bid dip). */
static uint32_t slot_from(const double *others, uint32_t n_elig, uint32_t s, double bid)
{
    while (s > 0 && others[s - 1] < bid)
        s--;
    while (s < n_elig && others[s] >= bid)
        s++;
    return s;
}

/* VCG's T_s as vcg_price sums it, from the bottom slot up, extended one term
 * at a time: the partial sum at s is the very number vcg_price reaches on its
 * way, so slot s costs one addition once the slots below it are summed. */
typedef struct {
    uint32_t from; /* total holds the terms j = from .. slots - 1 */
    double total;
} vcg_sums;

static double vcg_price_at(const position_params *p, const double *others, uint32_t n_elig,
                           uint32_t s, vcg_sums *v)
{
    uint32_t slots = p->slots;
    if (s > v->from) /* above the sums so far: only if a bid dipped; start over */
        *v = (vcg_sums){slots, 0.0};
    for (uint32_t j = v->from; j-- > s;) {
        double below = j + 1u < slots ? p->ctr[j + 1u] : 0.0;
        v->total += (p->ctr[j] - below) * (j < n_elig ? others[j] : p->reserve);
    }
    v->from = s;
    return p->ctr[s] > 0.0 ? v->total / p->ctr[s] : 0.0;
}

void cf_grid_utilities(cf_rule rule, const position_params *p, const double *others,
                       uint32_t n_others, double value, double lo, double hi, uint32_t L,
                       double *out)
{
    uint32_t n_elig = eligible_prefix(p, others, n_others), s = n_elig;
    uint32_t priced = UINT32_MAX; /* the slot whose utility `at_slot` holds */
    double at_slot = 0.0;
    vcg_sums vcg = {p->slots, 0.0};
    for (uint32_t k = 0; k < L; k++) {
        double bid = grid_multiplier(lo, hi, L, k) * value;
        if (!eligible(bid, p->reserve)) {
            out[k] = 0.0;
            continue;
        }
        s = slot_from(others, n_elig, s, bid);
        if (s >= p->slots) {
            out[k] = 0.0;
            continue;
        }
        /* GSP and VCG prices depend on the slot alone: price each slot once.
         * The expressions are utility()'s, so the numbers are the same bits. */
        double clicks = p->ctr[s], price;
        switch (rule) {
        case CF_GSP: {
            if (s == priced) {
                out[k] = at_slot;
                continue;
            }
            double next = s < n_elig ? others[s] : p->reserve;
            price = next > p->reserve ? next : p->reserve;
            break;
        }
        case CF_VCG:
            if (s == priced) {
                out[k] = at_slot;
                continue;
            }
            price = vcg_price_at(p, others, n_elig, s, &vcg);
            break;
        case CF_GFP:
            price = bid;
            break;
        default:
            out[k] = 0.0;
            continue;
        }
        out[k] = at_slot = value * clicks - price * clicks;
        priced = rule == CF_GFP ? UINT32_MAX : s;
    }
}

uint32_t cf_slot_utilities(cf_rule rule, const position_params *p, const double *others,
                           uint32_t n_others, double value, double *table)
{
    uint32_t n_elig = eligible_prefix(p, others, n_others);
    if (rule == CF_GFP || p->slots + 1u > CF_SLOT_TABLE)
        return UINT32_MAX;
    /* A level's slot is then the number of eligible others at or above its
     * bid, whichever slot the grid walk would have started from. */
    for (uint32_t j = 1; j < n_elig; j++)
        if (!(others[j] <= others[j - 1u]))
            return UINT32_MAX;
    vcg_sums vcg = {p->slots, 0.0};
    for (uint32_t s = p->slots; s-- > 0;) { /* bottom up: VCG's partial sums grow upwards */
        double clicks = p->ctr[s], price;
        if (rule == CF_GSP) {
            double next = s < n_elig ? others[s] : p->reserve;
            price = next > p->reserve ? next : p->reserve;
        } else {
            price = vcg_price_at(p, others, n_elig, s, &vcg);
        }
        table[s] = value * clicks - price * clicks; /* cf_grid_utilities' expression */
    }
    for (uint32_t s = p->slots; s < CF_SLOT_TABLE; s++)
        table[s] = 0.0;
    return n_elig;
}

void cf_grid_add(cf_rule rule, const position_params *p, const double *others,
                 uint32_t n_others, double value, double lo, double hi, uint32_t L,
                 double scale, double *cum)
{
    double u[CF_GRID_MAX];
    if (L > CF_GRID_MAX) { /* beyond the grid keys' bounds: level by level */
        for (uint32_t k = 0; k < L; k++)
            cum[k] += scale * cf_utility(rule, p, others, n_others, value,
                                         grid_multiplier(lo, hi, L, k) * value);
        return;
    }
    cf_grid_utilities(rule, p, others, n_others, value, lo, hi, L, u);
    for (uint32_t k = 0; k < L; k++)
        cum[k] += scale * u[k];
}
