/* The harvesting behaviours and their registry; see harvester.h. */
#include "harvester.h"

#include <string.h>

static double cooperator(const harvest_view *v, const harvester_params *p)
{
    (void)p;
    return v->effort_c * v->stock;
}

static double defector(const harvest_view *v, const harvester_params *p)
{
    (void)p;
    return v->effort_d * v->stock;
}

static double fixed_quota(const harvest_view *v, const harvester_params *p)
{
    (void)v;
    return p->quota;
}

static double sustainable(const harvest_view *v, const harvester_params *p)
{
    (void)p;
    return v->sustainable;
}

static double greedy(const harvest_view *v, const harvester_params *p)
{
    (void)p;
    return v->stock;
}

/* Follows the last round's best earner; with no history yet it starts at the
 * sustainable threshold, as a newcomer who knows the rule of thumb would. */
static double imitate_best(const harvest_view *v, const harvester_params *p)
{
    (void)p;
    return v->has_best ? v->best_request : v->sustainable;
}

static const harvester_behaviour table[] = {
    {"cooperator", 1, 0, cooperator},
    {"defector", 0, 0, defector},
    {"fixed_quota", 1, 1, fixed_quota},
    {"sustainable", 1, 0, sustainable},
    {"greedy", 0, 0, greedy},
    {"imitate_best", 0, 0, imitate_best},
};

const harvester_behaviour *harvester_at(size_t i)
{
    return i < sizeof table / sizeof table[0] ? &table[i] : NULL;
}

const harvester_behaviour *harvester_find(const char *name)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}
