/* The bidding behaviours a scenario can name. Adding one: write its bid
 * function in its own file, add a row here and a test. */
#include "behaviour.h"

#include <stdio.h>
#include <string.h>

/* Defined in truthful.c and shade.c; only this table refers to them. */
double behaviour_truthful_bid(const behaviour_params *p, const agent_state *a, size_t i,
                              uint64_t round);
double behaviour_shade_bid(const behaviour_params *p, const agent_state *a, size_t i,
                           uint64_t round);
void behaviour_truthful_bid_many(const behaviour_params *p, const agent_state *a,
                                 const uint32_t *index, size_t n, uint64_t round, double *out);
void behaviour_shade_bid_many(const behaviour_params *p, const agent_state *a,
                              const uint32_t *index, size_t n, uint64_t round, double *out);

static const behaviour behaviours[] = {
    {"truthful", "bid the per-click value", 0, behaviour_truthful_bid,
     behaviour_truthful_bid_many},
    {"shade", "bid factor * per-click value", 0, behaviour_shade_bid, behaviour_shade_bid_many},
};

const behaviour *behaviour_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof behaviours / sizeof behaviours[0]; i++)
        if (strcmp(behaviours[i].name, name) == 0)
            return &behaviours[i];
    return NULL;
}

const behaviour *behaviour_at(size_t i)
{
    return i < sizeof behaviours / sizeof behaviours[0] ? &behaviours[i] : NULL;
}

/* In table order, built from the table so it cannot fall out of step. */
const char *behaviour_names(void)
{
    static char names[256];
    if (!names[0]) {
        size_t used = 0;
        for (size_t i = 0; i < sizeof behaviours / sizeof behaviours[0]; i++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                     behaviours[i].name);
    }
    return names;
}
