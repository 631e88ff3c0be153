/* A block of per-entity state that a checkpoint carries, indexed by global id
 * so that a run stopped at one rank count resumes at another: this rank's rows
 * [first, first + count) of a [total x per_agent] table. Agents, harvesters,
 * pools or resources: whatever a family must restore to continue a round. */
#ifndef AGORA_STATE_BLOCK_H
#define AGORA_STATE_BLOCK_H

#include <stdint.h>

typedef enum {
    STATE_F64, /* the default: doubles */
    STATE_U8,
    STATE_U32
} state_type;

typedef struct {
    char name[48];
    void *data;         /* this rank's part: count * per_agent elements */
    uint64_t first;     /* global index of data[0]'s row within the block */
    uint64_t count;     /* rows of this rank in the block */
    uint64_t total;     /* rows over all ranks */
    uint32_t per_agent; /* elements per row */
    state_type type;
} state_block;

#endif
