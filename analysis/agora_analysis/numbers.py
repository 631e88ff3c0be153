"""How numbers are written in tables: short, aligned, and never misleading.

An estimate is written to the decimal place of its half-width's second
significant digit, and never beyond the unit (0.5207 ± 0.0012, 444.8 ± 4.0,
88962 ± 797): digits below the uncertainty would only be noise.
"""
import math


def fmt_number(x):
    """A value for a table: integers whole, large values to the unit, others to
    six significant digits."""
    if x is None:
        return "-"
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return f"{x:.0f}"
    if 1e5 <= abs(x) < 1e15:
        return f"{x:.0f}"
    return f"{x:.6g}"


def fmt_estimate(mean, half_width):
    """'mean ± half-width', rounded as the module says; the mean alone when the
    half-width is unknown (a single replicate)."""
    if half_width is None or math.isnan(half_width):
        return fmt_number(mean)
    if half_width == 0 or not math.isfinite(half_width) or not math.isfinite(mean):
        return f"{fmt_number(mean)} ± {fmt_number(half_width)}"
    decimals = max(0, 1 - math.floor(math.log10(half_width)))
    return f"{mean:.{decimals}f} ± {half_width:.{decimals}f}"
