/* The input files a scenario names (per-agent numbers and pair CTRs in HDF5,
 * a cloud request trace), checked before anything runs: `agora check` then
 * refuses a scenario whose files a run would refuse, with the same one line. */
#ifndef AGORA_INPUT_FILES_H
#define AGORA_INPUT_FILES_H

#include "scenario.h"
#include "status.h"

/* Whether every input file s names can be read: HDF5 files open and hold
 * their dataset in the shape the population needs; a trace can be opened.
 * The numbers themselves are checked when a run reads them. On failure one
 * line "file:line:col: key: what is wrong" (AGORA_EINPUT). s is not changed
 * (not const only because scenario_inputs hands out its path buffers). */
agora_status input_files_check(scenario *s, agora_error *err);

/* One readable-file check: fails with "where: key: cannot read PATH: reason". */
agora_status input_file_readable(const scenario *s, const char *key, const char *path,
                                 agora_error *err);

#endif
