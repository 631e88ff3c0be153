"""End-to-end golden values: the agora binary run on hand-sized markets, its HDF5
metrics compared with numbers worked out by hand.

The example market is the one of Edelman, Ostrovsky & Schwarz (2007) and
Varian (2007): two slots with 200 and 100 expected clicks, three advertisers with
per-click values 10, 4 and 2, one auction, every advertiser bidding."""
import math
import re
import subprocess
import textwrap

import numpy as np
import pytest

EXAMPLE = """\
    seed: 7
    rounds: {rounds}
    population:
      values: [10, 4, 2]
      {budget}
    market: {{auctions: 1, bidders: all}}
    mechanism: {{name: {mechanism}, ctr: [200, 100], reserve: {reserve}}}
    agents: {agents}
    output: {{snapshot_every: 1}}
"""
TRUTHFUL = "[{behaviour: truthful, share: 1}]"
# Agent 1 (value 4) alone shades to 3: group boundaries round(N * cumulative share)
# = 1 and 2 put agent 0, agent 1 and agent 2 in groups 0, 1, 2.
SHADE_AGENT_1 = ("[{behaviour: truthful, share: 0.3333333333333333},"
                 " {behaviour: shade, share: 0.3333333333333333, factor: 0.75},"
                 " {behaviour: truthful, share: 0.3333333333333334}]")


def example(mechanism, reserve=0, agents=TRUTHFUL, rounds=1, budget=""):
    return EXAMPLE.format(mechanism=mechanism, reserve=reserve, agents=agents,
                          rounds=rounds, budget=budget)


def metric(f, name):
    return f["metrics"][name][()]


def test_gsp_truthful(run_scenario):
    # GSP charges the next bid per click: 200*4 + 100*2 = 1000.
    f = run_scenario(example("gsp"))
    assert metric(f, "revenue")[0] == 1000
    # Welfare: 10*200 + 4*100 = 2400; clicks 200 + 100.
    assert metric(f, "welfare")[0] == 2400
    assert metric(f, "clicks")[0] == 300
    assert metric(f, "mean_cpc")[0] == pytest.approx(1000 / 300, rel=1e-15)
    assert metric(f, "slots_filled")[0] == 2
    assert metric(f, "eligible_bids")[0] == 3
    assert metric(f, "auctions")[0] == 1
    assert metric(f, "mean_bid_multiplier")[0] == 1
    np.testing.assert_array_equal(f["agents"]["spend"][0], [800, 200, 0])


def test_vcg_truthful(run_scenario):
    # VCG: slot 1 winner pays the externality (200-100)*4 + 100*2 = 600, slot 2
    # winner 100*2 = 200; revenue 800 (EOS 2007, section 4).
    f = run_scenario(example("vcg"))
    assert metric(f, "revenue")[0] == 800
    np.testing.assert_array_equal(f["agents"]["spend"][0], [600, 200, 0])
    # Utility = value * clicks - payment: 2000 - 600, 400 - 200.
    np.testing.assert_array_equal(f["agents"]["utility"][0], [1400, 200, 0])


def test_gsp_at_eos_equilibrium_equals_vcg(run_scenario):
    # With bids (10, 3, 2) GSP revenue is 200*3 + 100*2 = 800: the lowest
    # envy-free equilibrium of GSP gives the VCG outcome (EOS 2007, Theorem 1).
    f = run_scenario(example("gsp", agents=SHADE_AGENT_1))
    assert metric(f, "revenue")[0] == 800
    np.testing.assert_array_equal(f["population"]["group"][()], [0, 1, 2])
    np.testing.assert_array_equal(f["agents"]["bid"][0], [10, 3, 2])
    # Bid multipliers 10/10, 3/4, 2/2: their mean is (1 + 0.75 + 1) / 3.
    assert metric(f, "mean_bid_multiplier")[0] == pytest.approx(2.75 / 3, rel=1e-15)
    assert metric(f, "bid_requests")[0] == 3


def test_gfp_pays_own_bid(run_scenario):
    # Generalised first price: each winner pays its own bid, 200*10 + 100*4.
    f = run_scenario(example("gfp"))
    assert metric(f, "revenue")[0] == 2400
    np.testing.assert_array_equal(f["agents"]["spend"][0], [2000, 400, 0])


def test_reserve_excludes_and_raises_price(run_scenario):
    # Reserve 5: bids 4 and 2 are excluded; the winner pays the reserve, 5*200,
    # instead of the 4*200 it would pay without a reserve.
    f = run_scenario(example("gsp", reserve=5))
    assert metric(f, "revenue")[0] == 1000
    assert metric(f, "slots_filled")[0] == 1
    assert metric(f, "eligible_bids")[0] == 1
    assert metric(f, "welfare")[0] == 2000


def test_vcg_with_reserve(run_scenario):
    # Reserve 3 acts as phantom bids of 3: slot 1 pays (200-100)*4 + 100*3 = 700,
    # slot 2 pays 100*3 = 300.
    f = run_scenario(example("vcg", reserve=3))
    assert metric(f, "revenue")[0] == 1000
    np.testing.assert_array_equal(f["agents"]["spend"][0], [700, 300, 0])


def test_budget_caps_spend_and_stops_bidding(run_scenario):
    # Round 0: agent 0 owes 800 but has 500: charged 500, 300 forgiven, budget
    # spent. Agent 1 pays 200. Round 1: agent 0 no longer bids; agent 1 takes
    # slot 1 at agent 2's bid, 200*2 = 400; agent 2 takes slot 2 at the reserve, 0.
    f = run_scenario(example("gsp", rounds=2, budget="budget: [500, 1000, 1000]"))
    np.testing.assert_array_equal(metric(f, "revenue"), [700, 400])
    np.testing.assert_array_equal(metric(f, "budget_forgiven"), [300, 0])
    np.testing.assert_array_equal(metric(f, "budget_exhausted"), [1, 1])
    np.testing.assert_array_equal(metric(f, "eligible_bids"), [3, 2])
    np.testing.assert_array_equal(metric(f, "welfare"), [2400, 4 * 200 + 2 * 100])
    np.testing.assert_array_equal(f["agents"]["spend"][1], [500, 600, 0])
    np.testing.assert_array_equal(f["agents"]["budget_left"][1], [0, 400, 1000])
    np.testing.assert_array_equal(f["agents"]["bid"][1], [0, 4, 2])
    np.testing.assert_array_equal(f["agents"]["round"][()], [0, 1])
    # spend_rate_error, rho = budget / 2 rounds = (250, 500, 500): round 0 spends
    # (500, 200, 0): |500-250|/250 + |200-500|/500 + |0-500|/500 = 1 + 0.6 + 1.
    assert metric(f, "spend_rate_error")[0] == pytest.approx(2.6 / 3, rel=1e-14)


SAMPLED = """\
    seed: 11
    rounds: 1
    population: {{agents: 1000, value: {{dist: uniform, low: 1, high: 2}}}}
    market: {{auctions: 20000, bidders: 5}}
    mechanism: {{name: gsp, ctr: {ctr}, clicks: {clicks}}}
"""


def test_bernoulli_clicks_match_ctr(run_scenario):
    # Every auction fills both slots (all values > 0): the click total is a sum of
    # 20000 Bernoulli(0.5) and 20000 Bernoulli(0.25), mean 15000, variance
    # 20000*(0.25 + 0.1875) = 8750. Five standard deviations cannot flake.
    f = run_scenario(SAMPLED.format(ctr="[0.5, 0.25]", clicks="sampled"))
    clicks = metric(f, "clicks")[0]
    assert clicks == int(clicks)
    assert abs(clicks - 15000) < 5 * math.sqrt(8750)


def test_poisson_clicks_match_ctr(run_scenario):
    # Poisson(200) + Poisson(100) per auction: mean = variance = 300 * 20000.
    f = run_scenario(SAMPLED.format(ctr="[200, 100]", clicks="sampled"))
    clicks = metric(f, "clicks")[0]
    assert abs(clicks - 6e6) < 5 * math.sqrt(6e6)


def test_output_is_self_describing(run_scenario):
    f = run_scenario(example("gsp", rounds=3))
    for key in ("format", "layout_version", "version", "scenario", "seed", "ranks",
                "started", "finished", "wall_seconds", "source"):
        assert key in f.attrs, key
    assert f.attrs["seed"] == 7
    assert "mechanism:" in f.attrs["scenario"]
    def visit(name, obj):
        if hasattr(obj, "shape"):
            assert obj.attrs["units"], name
            assert obj.attrs["description"], name
    f.visititems(visit)
    for name in ("welfare", "revenue", "clicks", "auctions", "mean_cpc"):
        assert f["metrics"][name].shape == (3,)
    # Truthful bidders without budgets: the default snapshot leaves out the
    # fields that are the same for everyone (bid = value, multiplier 1,
    # budget_left +inf, regret 0) and says so in the resolved scenario.
    assert sorted(f["agents"]) == ["clicks", "round", "spend", "utility", "value"]
    for field in ("value", "spend", "utility", "clicks"):
        assert f["agents"][field].shape == (3, 3)
    assert "fields: [value, spend, utility, clicks]" in f.attrs["scenario"]


def test_all_fields_on_request(run_scenario):
    f = run_scenario(example("gsp", rounds=3), "--set", "output.fields=all")
    assert sorted(f["agents"]) == ["bid", "budget_left", "clicks", "multiplier", "regret",
                                   "round", "spend", "utility", "value"]
    assert np.isinf(f["agents"]["budget_left"][0]).all()
    np.testing.assert_array_equal(f["agents"]["bid"][0], f["agents"]["value"][0])
    np.testing.assert_array_equal(f["agents"]["multiplier"][0], 1)
    np.testing.assert_array_equal(f["agents"]["regret"][0], 0)


def test_profile_names_every_phase_and_the_file_times(agora, tmp_path):
    """--profile (issue 11): a line per phase of the round loop, whose seconds
    add up to no more than the loop's, and the output file's open and close
    times, which lie outside it."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text(textwrap.dedent(example("gsp", rounds=3)))
    done = subprocess.run([agora, "run", str(scenario), "--out", str(tmp_path / "o.h5"),
                           "--profile"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    loop = float(re.search(r"rounds ([0-9.]+) s", text).group(1))
    phases = dict(re.findall(r"^\s+(\w+)\s+([0-9.]+)\s+[0-9.]+%$", text, re.M))
    assert sorted(phases) == sorted(["sample", "route", "bid", "allocate", "settle", "reduce",
                                     "write"])
    # Printed to the millisecond: each may round up by half of one.
    assert sum(float(s) for s in phases.values()) <= loop + 0.0005 * (len(phases) + 1)
    opened, closed = re.search(r"^  file\s+open ([0-9.]+) s, close ([0-9.]+) s", text,
                               re.M).groups()
    assert float(opened) >= 0 and float(closed) >= 0
    wall = float(re.search(r"wall\s+([0-9.]+) s", text).group(1))
    assert loop + float(opened) + float(closed) <= wall + 0.0015
