"""Fixtures of the analysis tests: real agora outputs, made once per session.

The runs come from the shipped scenario scenarios/default.yaml (20,000 agents,
200 rounds, 4 snapshots; about 0.2 s each) with three seeds under two
mechanisms (GSP, and VCG through --set), so compare and plot see two
configurations of three replicates each.
"""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ANALYSIS = ROOT / "analysis"
SCENARIO = ROOT / "scenarios" / "default.yaml"
SEEDS = (1, 2, 3)
MECHANISMS = ("gsp", "vcg")
# The tests check numbers that depend on these (group boundaries, snapshot rounds,
# the digest text); they are pinned so that retuning the shipped scenario does not
# break them. They are default.yaml's values today.
PINNED = ("rounds=200", "population.agents=20000", "market.auctions=2000",
          "market.bidders=10", "output.snapshot_every=50",
          "agents=[{behaviour: truthful, share: 0.7},"
          " {behaviour: shade, share: 0.3, factor: 0.8}]")

# ctest sets PYTHONPATH; this lets `pytest tests/analysis` work from a shell too.
if str(ANALYSIS) not in sys.path:
    sys.path.insert(0, str(ANALYSIS))


@pytest.fixture(scope="session")
def agora():
    path = os.environ.get("AGORA")
    if not path or not os.path.exists(path):
        pytest.fail("set AGORA to the agora binary (ctest does)")
    return path


def run_agora(agora, out, *extra):
    pins = [arg for pin in PINNED for arg in ("--set", pin)]
    cmd = [agora, "run", str(SCENARIO), "--out", str(out), "--quiet", *pins, *extra]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="session")
def run_dir(agora, tmp_path_factory):
    """A directory of six runs: {gsp,vcg}-s{1,2,3}.h5."""
    d = tmp_path_factory.mktemp("runs")
    for mech in MECHANISMS:
        for seed in SEEDS:
            run_agora(agora, d / f"{mech}-s{seed}.h5", "--seed", str(seed),
                      "--set", f"mechanism.name={mech}")
    return d


@pytest.fixture(scope="session")
def gsp_file(run_dir):
    return run_dir / "gsp-s1.h5"


@pytest.fixture(scope="session")
def unbudgeted_file(agora, tmp_path_factory):
    """A run without budgets: budget_left is +inf for every agent."""
    d = tmp_path_factory.mktemp("unbudgeted")
    return run_agora(agora, d / "nobudget.h5", "--set", "population.budget=",
                     "--set", "rounds=20", "--set", "output.snapshot_every=10",
                     "--set", "output.fields=all")


@pytest.fixture
def cli():
    """Runs `python3 -m agora_analysis ARGS` in a subprocess; returns CompletedProcess."""
    def run(*args):
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ANALYSIS) + os.pathsep + env.get("PYTHONPATH", "")
        return subprocess.run([sys.executable, "-m", "agora_analysis", *map(str, args)],
                              capture_output=True, text=True, env=env)
    return run
