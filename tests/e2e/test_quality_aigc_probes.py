"""End-to-end golden values for issue 5, through the agora binary: quality
scores (rank by bid x quality), an AIGC market (the golden example of "Position
Auctions in AI-Generated Content"), and the mechanism-property probes. Every
number is worked out by hand in the comments."""
import numpy as np
import pytest

QUALITY = """\
    seed: 7
    rounds: 1
    population:
      values: [10, 4, 2]
      quality: [0.5, 2, 1]
    market: {{auctions: 1, bidders: all}}
    mechanism: {{name: {mechanism}, ctr: [200, 100], reserve: {reserve}, rank_by: {rank_by}}}
"""


def metric(f, name):
    return f["metrics"][name][()]


def test_gsp_rank_by_score(run_scenario):
    # Scores b x q = 5, 8, 2: bidder 1 first (2 x 200 = 400 clicks) paying
    # 5 / 2 = 2.5, bidder 0 second (0.5 x 100 = 50 clicks) paying 2 / 0.5 = 4.
    f = run_scenario(QUALITY.format(mechanism="gsp", reserve=0, rank_by="score"))
    assert metric(f, "revenue")[0] == 2.5 * 400 + 4 * 50  # 1200
    assert metric(f, "clicks")[0] == 450
    assert metric(f, "welfare")[0] == 4 * 400 + 10 * 50  # 2100
    assert metric(f, "ctr_realised")[0] == 450 / 2
    assert metric(f, "reserve_hits")[0] == 0
    np.testing.assert_array_equal(f["agents"]["spend"][0], [200, 1000, 0])


def test_gsp_score_reserve_binds(run_scenario):
    # Reserve 3 (score units) shuts out bidder 2 (score 2): bidder 0 has nobody
    # below and pays 3 / 0.5 = 6 per click; one reserve hit.
    f = run_scenario(QUALITY.format(mechanism="gsp", reserve=3, rank_by="score"))
    assert metric(f, "revenue")[0] == 2.5 * 400 + 6 * 50  # 1300
    assert metric(f, "reserve_hits")[0] == 1


def test_vcg_rank_by_score(run_scenario):
    # T_0 = (200 - 100) x 5 + 100 x 2 = 700 (bidder 1), T_1 = 100 x 2 = 200.
    f = run_scenario(QUALITY.format(mechanism="vcg", reserve=0, rank_by="score"))
    assert metric(f, "revenue")[0] == pytest.approx(900, rel=1e-15)
    np.testing.assert_allclose(f["agents"]["spend"][0], [200, 700, 0], rtol=1e-15)


def test_rank_by_bid_quality_scales_clicks(run_scenario):
    # Ranked by bid (10, 4, 2): GSP prices 4 and 2; clicks 0.5 x 200 = 100 and
    # 2 x 100 = 200: revenue 400 + 400, welfare 10 x 100 + 4 x 200 = 1800.
    f = run_scenario(QUALITY.format(mechanism="gsp", reserve=0, rank_by="bid"))
    assert metric(f, "revenue")[0] == 800
    assert metric(f, "welfare")[0] == 1800


AIGC = """\
    seed: 7
    rounds: 1
    population: {values: [3, 2, 1]}
    market: {auctions: 1, bidders: all}
    mechanism:
      name: aigc
      user_model: mnl
      ctr: [1, 1]
      max_shown: 2
      pair_ctr: [[0.5, 0.2], [0.4, 0.4], [0.3, 0.1]]
    probes: {auctions: 1, grid: 41}
"""


def test_aigc_mnl_golden(run_scenario):
    # Ad 1 at position 1 (w 0.5), ad 2 at position 2 (w 0.4): clicks 0.5 / 1.9
    # and 0.4 / 1.9; welfare 3 x 0.263158 + 2 x 0.210526 = 1.210526; VCG
    # expected payments 0.226006 and 0.210526 (the golden example).
    f = run_scenario(AIGC)
    assert metric(f, "welfare")[0] == pytest.approx(1.210526, abs=5e-7)
    assert metric(f, "clicks")[0] == pytest.approx(0.9 / 1.9, rel=1e-12)
    assert metric(f, "ads_shown")[0] == 2
    spend = f["agents"]["spend"][0]
    assert spend[0] == pytest.approx(0.226006, abs=5e-7)
    assert spend[1] == pytest.approx(0.210526, abs=5e-7)
    assert spend[2] == 0
    # VCG with truthful bidders: no report on the grid gains (Clarke pivot).
    assert metric(f, "ic_max_gain")[0] <= 1e-9
    assert metric(f, "ir_violations")[0] == 0
    assert metric(f, "feasibility_violations")[0] == 0
    assert metric(f, "probed_participants")[0] == 3


PROBED = """\
    seed: 7
    rounds: 1
    population: {{values: [10, 9, 1]}}
    market: {{auctions: 1, bidders: all}}
    mechanism: {{name: {mechanism}, ctr: [1, 0.9]}}
    probes: {{auctions: 1, grid: 21}}
"""


def test_probes_gsp_gain_vcg_none(run_scenario):
    # GSP, truthful: bidder 0 wins slot 0 at 9 (utility 1); reporting 2..8 takes
    # slot 1 at price 1, 0.9 x 9 = 8.1: a gain of 7.1 (grid 0, 1, ..., 20).
    f = run_scenario(PROBED.format(mechanism="gsp"))
    assert metric(f, "ic_max_gain")[0] == pytest.approx(7.1, rel=1e-12)
    assert metric(f, "ir_violations")[0] == 0
    f = run_scenario(PROBED.format(mechanism="vcg"))
    assert metric(f, "ic_max_gain")[0] <= 1e-9
