"""Logistic regression of correctness on one feature (Newton's method with a small ridge), the
confidence calibration shared by bench_llm.py (mean log-prob) and bench_wordmath.py."""

from __future__ import annotations

import math


def logistic_fit(
    xs: list[float], ys: list[float], *, ridge: float = 1e-3, iters: int = 50
) -> tuple[float, float]:
    """(a, b) of p = 1 / (1 + exp(-(a + b x))); the ridge keeps it finite on separable data."""
    a, b = 0.0, 1.0
    for _ in range(iters):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in zip(xs, ys, strict=True):
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, a + b * x))))
            ga += p - y
            gb += (p - y) * x
            w = p * (1 - p) + 1e-9
            haa += w
            hab += w * x
            hbb += w * x * x
        haa += ridge
        hbb += ridge
        det = haa * hbb - hab * hab
        a -= (hbb * ga - hab * gb) / det
        b -= (haa * gb - hab * ga) / det
    return a, b
