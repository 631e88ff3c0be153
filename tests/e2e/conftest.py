"""Shared fixtures for the end-to-end tests: where the agora binary is, and a
helper that writes a scenario, runs it, and opens the resulting HDF5 file."""
import os
import subprocess
import textwrap

import h5py
import pytest


@pytest.fixture(scope="session")
def agora():
    path = os.environ.get("AGORA")
    if not path or not os.path.exists(path):
        pytest.fail("set AGORA to the agora binary (ctest does)")
    return path


@pytest.fixture
def run_scenario(agora, tmp_path):
    """Writes YAML text to a file, runs `agora run` on it, returns the open h5 file."""
    opened = []

    def run(yaml_text, *extra, ranks=1):
        scenario = tmp_path / "s.yaml"
        scenario.write_text(textwrap.dedent(yaml_text))
        out = tmp_path / "out.h5"
        cmd = [agora, "run", str(scenario), "--out", str(out), "--quiet", *extra]
        if ranks > 1:
            cmd = [os.environ.get("MPIEXEC", "mpirun"), "--allow-run-as-root",
                   "--oversubscribe", "-n", str(ranks)] + cmd
        done = subprocess.run(cmd, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        f = h5py.File(out, "r")
        opened.append(f)
        return f

    yield run
    for f in opened:
        f.close()
