"""Student's t quantile, written out so the toolkit needs no scipy.

t_p(df) is found by inverting the t distribution function, which is expressed
through the regularised incomplete beta function:

    P(T <= t) = 1 - I_x(df/2, 1/2) / 2,  x = df / (df + t^2),  for t >= 0

I_x is evaluated with its continued fraction (modified Lentz method, as in
Numerical Recipes 6.4), and the quantile by bisection, which halves the bracket
until it is one double wide: slow next to a closed form, but a confidence table
needs a handful of them.
"""
import math


def _betacf(a, b, x, tiny=1e-300, eps=1e-16, max_iter=10000):
    """Continued fraction of I_x(a, b), converging fast for x < (a + 1)/(a + b + 2)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, max_iter + 1):
        m2 = 2 * m
        for aa in (m * (b - m) * x / ((qam + m2) * (a + m2)),
                   -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + aa / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            return h
    raise ArithmeticError("incomplete beta: continued fraction did not converge")


def betainc(a, b, x):
    """Regularised incomplete beta I_x(a, b) for a, b > 0 and 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    # Use the fraction where it converges; the symmetry I_x(a,b) = 1 - I_{1-x}(b,a)
    # covers the other side.
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def t_cdf(t, df):
    """P(T <= t) for Student's t with df > 0 degrees of freedom."""
    tail = 0.5 * betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p, df):
    """The p-quantile of Student's t with df degrees of freedom (0 < p < 1).

    t_quantile(0.975, 3) = 3.18244630528 (to the 1e-12 or so of the fraction)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"t quantile: p must be in (0, 1), got {p}")
    if df <= 0:
        raise ValueError(f"t quantile: df must be > 0, got {df}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        lo, hi = hi, hi * 2.0
    while True:
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            return mid
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
