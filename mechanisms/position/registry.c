/* The position-auction mechanisms a scenario can name. Adding one: write its
 * pricing function in its own file, add a row here and a test. */
#include "position.h"

#include <stdio.h>
#include <string.h>

/* Defined in gsp.c, vcg.c, gfp.c; declared here only, as nothing else calls
 * them directly (callers go through the table). */
void position_price_gsp(const position_params *p, const double *bids, const uint32_t *order,
                        uint32_t ranked, position_outcome *out);
void position_price_vcg(const position_params *p, const double *bids, const uint32_t *order,
                        uint32_t ranked, position_outcome *out);
void position_price_gfp(const position_params *p, const double *bids, const uint32_t *order,
                        uint32_t ranked, position_outcome *out);
uint32_t position_price_gsp_weighted(const position_params *p, const double *bids,
                                   position_weights w, const uint32_t *order, uint32_t ranked,
                                   position_outcome *out);
uint32_t position_price_vcg_weighted(const position_params *p, const double *bids,
                                   position_weights w, const uint32_t *order, uint32_t ranked,
                                   position_outcome *out);
uint32_t position_price_gfp_weighted(const position_params *p, const double *bids,
                                   position_weights w, const uint32_t *order, uint32_t ranked,
                                   position_outcome *out);

static const position_mechanism mechanisms[] = {
    {"gsp", "generalized second price: pay the next bid (or the reserve) per click",
     position_price_gsp, position_price_gsp_weighted},
    {"vcg", "Vickrey-Clarke-Groves: pay the externality imposed on lower slots",
     position_price_vcg, position_price_vcg_weighted},
    {"gfp", "generalized first price: pay your own bid per click", position_price_gfp,
     position_price_gfp_weighted},
};

const position_mechanism *position_mechanism_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof mechanisms / sizeof mechanisms[0]; i++)
        if (strcmp(mechanisms[i].name, name) == 0)
            return &mechanisms[i];
    return NULL;
}

const position_mechanism *position_mechanism_at(size_t i)
{
    return i < sizeof mechanisms / sizeof mechanisms[0] ? &mechanisms[i] : NULL;
}

/* In table order, built from the table so it cannot fall out of step. */
const char *position_mechanism_names(void)
{
    static char names[256];
    if (!names[0]) {
        size_t used = 0;
        for (size_t i = 0; i < sizeof mechanisms / sizeof mechanisms[0]; i++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                     mechanisms[i].name);
    }
    return names;
}
