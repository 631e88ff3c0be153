/* The AIGC user models by name, each as (workspace size, run), so that a
 * scenario can name one and the engine can size one workspace per rank.
 * Adding a model touches its own file, this table and a test. */
#include <string.h>

#include "aigc.h"

static const aigc_model models[] = {
    {"additive", "separable clicks ctr_ij; max-weight assignment and VCG",
     aigc_additive_workspace_size, aigc_additive_vcg},
    {"mnl", "multinomial-logit user; Dinkelbach over assignments (exact) and VCG",
     aigc_mnl_workspace_size, aigc_mnl_vcg},
    {"cascade", "cascade user with continuation q_i; ranked DP + local search and VCG",
     aigc_cascade_approx_workspace_size, aigc_cascade_approx_vcg},
    {"cascade_exact", "cascade user; exact DP over ad subsets (n <= 16) and VCG",
     aigc_cascade_exact_workspace_size, aigc_cascade_exact_vcg},
};

const aigc_model *aigc_model_find(const char *name)
{
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        if (strcmp(models[i].name, name) == 0)
            return &models[i];
    return NULL;
}

const aigc_model *aigc_model_at(size_t i)
{
    return i < sizeof models / sizeof models[0] ? &models[i] : NULL;
}

const char *aigc_model_names(void)
{
    return "additive, mnl, cascade, cascade_exact";
}
