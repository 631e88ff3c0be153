/* The instances of a cloud auction, drawn from keyed streams so that any rank
 * makes the same request or resource from its id: resources once (round 0),
 * a fresh batch of requests every round (or trace events, sim/cloud_trace.h). */
#ifndef AGORA_CLOUD_INSTANCE_H
#define AGORA_CLOUD_INSTANCE_H

#include "cloud_config.h"

void cloud_make_resource(const cloud_config *c, uint64_t seed, uint64_t j, cloud_resource *out);
void cloud_make_request(const cloud_config *c, uint64_t seed, uint64_t id, uint64_t round,
                        cloud_request *out);
/* A request from trace event `index` (its CPU, memory and priority from the
 * trace; location and budget drawn, keyed by the event index). */
void cloud_trace_request(const cloud_config *c, uint64_t seed, uint64_t index, double cpu,
                         double mem, double priority, uint64_t id, cloud_request *out);
/* The random mechanism's order draw and rotation offset for request id. */
void cloud_random_order(uint64_t seed, uint64_t id, uint64_t round, uint32_t m, double *draw,
                        uint32_t *offset);

#endif
