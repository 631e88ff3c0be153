/* The per-agent fields a position market's snapshot can hold (/agents/<name>),
 * shared by the scenario loader (output.fields) and the HDF5 writer. */
#ifndef AGORA_AGENT_FIELDS_H
#define AGORA_AGENT_FIELDS_H

#include <stdint.h>

typedef enum {
    FIELD_VALUE,
    FIELD_BID,
    FIELD_SPEND,
    FIELD_UTILITY,
    FIELD_BUDGET_LEFT,
    FIELD_CLICKS,
    FIELD_MULTIPLIER,
    FIELD_REGRET,
    FIELD_COUNT
} agent_field;

/* A set of fields: bit f for field f. */
#define FIELD_BIT(f) ((uint32_t)1 << (f))
#define FIELDS_ALL (FIELD_BIT(FIELD_COUNT) - 1u)

/* The dataset name of each field, NULL-terminated: "value", "bid", ... */
extern const char *const agent_field_names[FIELD_COUNT + 1];

#endif
