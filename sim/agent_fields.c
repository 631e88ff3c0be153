/* Names of the snapshot fields; see agent_fields.h. */
#include "agent_fields.h"

#include <stddef.h>

const char *const agent_field_names[FIELD_COUNT + 1] = {
    [FIELD_VALUE] = "value",           [FIELD_BID] = "bid",
    [FIELD_SPEND] = "spend",           [FIELD_UTILITY] = "utility",
    [FIELD_BUDGET_LEFT] = "budget_left", [FIELD_CLICKS] = "clicks",
    [FIELD_MULTIPLIER] = "multiplier", [FIELD_REGRET] = "regret",
    [FIELD_COUNT] = NULL,
};
