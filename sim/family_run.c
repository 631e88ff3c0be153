/* Dispatch to the run function of a scenario's family; see family_run.h. */
#include "family_run.h"

#include <stdio.h>
#include <string.h>

#include "scenario_family.h"

agora_status commons_run(const scenario *s, const char *scenario_text, const run_options *opt,
                         MPI_Comm comm, run_summary *summary, agora_error *err);

agora_status facility_run(const scenario *s, const char *scenario_text, const run_options *opt,
                          MPI_Comm comm, run_summary *summary, agora_error *err);

agora_status cloud_run_family(const scenario *s, const char *scenario_text,
                              const run_options *opt, MPI_Comm comm, run_summary *summary,
                              agora_error *err);

static const struct {
    const char *name;
    family_run_fn run;
} runners[] = {
    {"facility", facility_run},
    {"commons", commons_run},
    {"cloud", cloud_run_family},
    {NULL, NULL}
};

agora_status family_run(const scenario *s, const char *scenario_text, const run_options *opt,
                        MPI_Comm comm, run_summary *summary, agora_error *err)
{
    memset(summary, 0, sizeof *summary);
    int ranks;
    MPI_Comm_size(comm, &ranks);
    const scenario_family *f = s->family;
    unsigned long long n = f->partitioned(s->family_config);
    const char *key = f->count_key_of ? f->count_key_of(s->family_config) : f->count_key;
    if ((unsigned long long)ranks > n) {
        /* A count left to its default has no line: point at its section. */
        const char *where = scenario_where(s, key);
        int defaulted = where == s->source;
        const char *dot = strrchr(key, '.');
        char section[64];
        if (defaulted && dot && (size_t)(dot - key) < sizeof section) {
            snprintf(section, sizeof section, "%.*s", (int)(dot - key), key);
            where = scenario_where(s, section);
        }
        return agora_fail(err, AGORA_EINPUT,
                          "%s: %s: %llu%s cannot be spread over %d ranks (each rank must own at "
                          "least one)",
                          where, key, n, defaulted ? " (its default)" : "", ranks);
    }
    for (size_t i = 0; runners[i].name; i++)
        if (strcmp(runners[i].name, f->name) == 0)
            return runners[i].run(s, scenario_text, opt, comm, summary, err);
    return agora_fail(err, AGORA_EINTERNAL, "family %s has no run function", f->name);
}
