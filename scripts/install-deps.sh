#!/usr/bin/env bash
# Installs the Debian 12 packages agora needs, only those missing.
# usage: scripts/install-deps.sh [run|test]   (default: test, which is a superset)
set -eu
run_pkgs="build-essential cmake pkg-config openmpi-bin libopenmpi-dev libhdf5-openmpi-dev
          hdf5-tools libyaml-dev"
test_pkgs="check libpcg-cpp-dev python3-h5py python3-numpy python3-pytest python3-matplotlib
           python3-yaml"
want=$run_pkgs
[ "${1:-test}" = test ] && want="$run_pkgs $test_pkgs"
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing > /dev/null
