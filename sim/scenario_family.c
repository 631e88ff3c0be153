/* The table of registered families; see scenario_family.h. */
#include "scenario_family.h"

#include <string.h>

/* Each family defines its descriptor in sim/scenario_<family>.c. */
extern const scenario_family commons_family;

extern const scenario_family facility_family;
extern const scenario_family cloud_family;

static const scenario_family *const families[] = {
    &facility_family,
    &commons_family,
    &cloud_family,
    NULL
};

const scenario_family *scenario_family_at(size_t i)
{
    return i < sizeof families / sizeof families[0] ? families[i] : NULL;
}

const scenario_family *scenario_family_find(const char *name)
{
    for (size_t i = 0; families[i]; i++)
        if (strcmp(families[i]->name, name) == 0)
            return families[i];
    return NULL;
}
