#!/usr/bin/env bash
# mpirun with the flags this kind of machine needs: --allow-run-as-root when root,
# --oversubscribe so a laptop with fewer cores than ranks still runs.
# usage: scripts/mpirun.sh -n P COMMAND ...
flags="--oversubscribe"
[ "$(id -u)" = 0 ] && flags="$flags --allow-run-as-root"
# shellcheck disable=SC2086
exec mpirun $flags "$@"
