"""Confidence intervals: the t quantile against tables and closed forms, and a
mean ± half-width worked out by hand."""
import math

import pytest

from agora_analysis.numbers import fmt_estimate, fmt_number
from agora_analysis.stats import mean_band, mean_ci
from agora_analysis.tdist import betainc, t_cdf, t_quantile

# Student t quantiles from printed tables (e.g. NIST/SEMATECH handbook 1.3.6.7.2),
# to ten significant digits.
TABLE = [(0.975, 1, 12.706204736), (0.975, 2, 4.302652730), (0.975, 3, 3.182446305),
         (0.975, 4, 2.776445105), (0.975, 10, 2.228138852), (0.975, 30, 2.042272456),
         (0.995, 7, 3.499483297), (0.95, 5, 2.015048373), (0.9, 3, 1.637744354),
         # Large df: the Cornish-Fisher series z + (z^3 + z)/(4 df) + ..., z = 1.959963985.
         (0.975, 1e4, 1.960201240), (0.975, 1e7, 1.959964222)]


@pytest.mark.parametrize("p,df,expected", TABLE)
def test_t_quantile_matches_tables(p, df, expected):
    assert t_quantile(p, df) == pytest.approx(expected, rel=1e-9)
    assert t_quantile(1 - p, df) == pytest.approx(-expected, rel=1e-9)


@pytest.mark.parametrize("p", [0.55, 0.8, 0.9, 0.975, 0.999])
def test_t_quantile_closed_forms(p):
    # df = 1 is the Cauchy distribution: tan(pi (p - 1/2)).
    assert t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-11)
    # df = 2: (2p - 1) / sqrt(2 p (1 - p)).
    assert t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)),
                                             rel=1e-11)


def test_t_cdf_inverts_the_quantile_and_beta_limits():
    for df in (1, 3, 12.5, 200):
        for p in (0.6, 0.975):
            assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-13)
    assert t_quantile(0.5, 4) == 0.0
    assert betainc(2, 3, 0) == 0.0 and betainc(2, 3, 1) == 1.0
    # I_x(1, 1) = x.
    assert betainc(1, 1, 0.3) == pytest.approx(0.3, rel=1e-14)
    with pytest.raises(ValueError):
        t_quantile(1.0, 3)


def test_ci_by_hand():
    # values 1, 2, 3, 4: mean 2.5; s^2 = (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3,
    # s = 1.2910; t(0.975, 3) = 3.1824; half-width = 3.1824 * 1.2910 / sqrt(4) = 2.0543.
    e = mean_ci([1, 2, 3, 4])
    assert e.n == 4 and e.mean == 2.5
    assert e.half_width == pytest.approx(3.182446305 * math.sqrt(5 / 3) / 2, rel=1e-9)
    assert round(e.half_width, 4) == 2.0543
    assert (round(e.low, 4), round(e.high, 4)) == (0.4457, 4.5543)
    # 90%: t(0.95, 3) = 2.3534, half-width 2.3534 * 1.2910 / 2 = 1.5191.
    assert round(mean_ci([1, 2, 3, 4], level=0.90).half_width, 4) == 1.5191


def test_single_replicate_has_no_interval():
    e = mean_ci([7.0])
    assert e.mean == 7.0 and math.isnan(e.half_width)


def test_band_is_the_pointwise_ci():
    mean, half = mean_band([[1, 10], [2, 10], [3, 10], [4, 10]])
    assert list(mean) == [2.5, 10]
    assert half[0] == pytest.approx(mean_ci([1, 2, 3, 4]).half_width, rel=1e-12)
    assert half[1] == 0


def test_estimates_are_rounded_to_their_uncertainty():
    assert fmt_estimate(2.5, 2.0543) == "2.5 ± 2.1"
    assert fmt_estimate(0.52073, 0.00121) == "0.5207 ± 0.0012"
    assert fmt_estimate(88962.4, 797.3) == "88962 ± 797"
    assert fmt_estimate(2000.0, 0.0) == "2000 ± 0"
    assert fmt_estimate(3.25, float("nan")) == "3.25"
    assert fmt_number(400000.0) == "400000" and fmt_number(0.1234567) == "0.123457"
