"""The run summary's `memory` line is agora's own peak, not its parent's.

On Linux exec keeps the replaced image's high-water mark in getrusage's
ru_maxrss, so a run started from a Python process holding 600 MiB used to
report at least 600 MiB for a run that needs about 30 (sim/peak_memory.c)."""
import re
import subprocess


def test_memory_line_ignores_the_parent(agora, tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("seed: 1\nrounds: 2\npopulation: {agents: 1000, value: 1.0}\n"
                        "market: {auctions: 10, bidders: 4}\n"
                        "mechanism: {name: gsp, slots: 2, ctr: [0.3, 0.2]}\n")
    held = bytearray(600 << 20)
    for page in range(0, len(held), 4096):  # resident, not just reserved
        held[page] = 1
    done = subprocess.run([agora, "run", str(scenario), "--out", str(tmp_path / "o.h5")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    mib = float(re.search(r"memory\s+([0-9.]+) MiB", done.stdout).group(1))
    # The run itself needs ~25 MiB (more under AddressSanitizer); the parent's
    # 600 MiB must not show.
    assert 1.0 < mib < 400.0, done.stdout
    del held
