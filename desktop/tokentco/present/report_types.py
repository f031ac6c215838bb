"""Plain data the report model hands to the page painter: tables and chart series, every
figure already formatted (the painter never formats a number)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    """A table of text cells; the first ``left_columns`` are left-aligned, the rest right."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    """Relative column widths."""
    left_columns: int = 1
    highlight_rows: frozenset[int] = field(default_factory=frozenset)
    """Rows marked as the winner's (or totals)."""
    caption: str = ""
    note: str = ""


@dataclass(frozen=True)
class Bars:
    """A horizontal bar chart, one bar per option, with optional p10–p90 error bars."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    value_texts: tuple[str, ...]
    lows: tuple[float | None, ...]
    highs: tuple[float | None, ...]
    ticks: tuple[tuple[float, str], ...]
    winners: frozenset[int]
    missing_text: str


@dataclass(frozen=True)
class Curve:
    """One option's frontier: tokens/s/GPU against tokens/s/user, its operating point and
    the p10–p90 band of its throughput there."""

    label: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    point: tuple[float, float] | None
    band: tuple[float, float] | None


@dataclass(frozen=True)
class FrontierChart:
    title: str
    curves: tuple[Curve, ...]
    target: float | None
    target_text: str
    note: str


@dataclass(frozen=True)
class TornadoRow:
    label: str
    range_text: str
    low: float
    high: float
    low_text: str
    high_text: str


@dataclass(frozen=True)
class TornadoChart:
    title: str
    rows: tuple[TornadoRow, ...]
    base: float
    base_text: str
    empty_text: str
