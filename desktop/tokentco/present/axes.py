"""Chart axes the deliverables share: round maxima and round, distinctly labelled ticks."""

import math

from tokentco.present import formats as fmt


def fmt_ticks(values: list[float], formatter: fmt.Formatter) -> tuple[tuple[float, str], ...]:
    """Axis ticks from 0 in a round step (1, 2, 2.5 or 5 × 10^k, at most five steps past
    zero), labelled with one shared scale and just the decimals the step needs ("$0",
    "$0.5", "$1.0" — never "$0.000 $2.000")."""
    top = max(values) if values else 1.0
    step = nice_step(top / 5)
    count = max(1, math.ceil(top / step - 1e-9))
    ticks = [step * k for k in range(count + 1)]
    scale = fmt.common_scale(ticks)
    scaled = step / scale.factor
    places = 0
    while places < 4 and abs(scaled * 10**places - round(scaled * 10**places)) > 1e-6:
        places += 1
    return tuple((t, formatter(t, scale=scale, decimals=places)) for t in ticks)


def nice_step(v: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above ``v``."""
    if v <= 0 or not math.isfinite(v):
        return 1.0
    exp = 10.0 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if m * exp >= v * (1 - 1e-9):
            return m * exp
    return 10 * exp


def nice_max(v: float) -> float:
    """The smallest 1-1.2-1.5-2-2.5-3-4-5-6-8-10 × 10^k at or above ``v`` (a frontier's
    x-axis end)."""
    if v <= 0 or not math.isfinite(v):
        return 1.0
    exp = 10.0 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * exp >= v * (1 - 1e-9):
            return m * exp
    return 10 * exp
