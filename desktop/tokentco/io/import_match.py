"""Header matching: which field of a table kind a header fills, and how well a whole
header row fits a kind (the kind detection).

A header is analysed (:mod:`tokentco.io.import_headers`) and its base key looked up in
the kind's alias table, built by analysing every synonym of every field the same way.
Money-like headers (a currency or a period) never land on text fields, and a price with
no period is a problem rather than a guess. A user's column mapping
(:mod:`tokentco.io.import_mapping`) takes precedence over the synonyms.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from tokentco.domain import TableKind
from tokentco.io.import_fields import FIELDS, FieldSpec
from tokentco.io.import_headers import _NODE_WORDS, _PRICE_WORDS, HeaderInfo, analyse_header

_NODE_KEY_WORDS = _NODE_WORDS


def _strip_node(key: str) -> str:
    return " ".join(w for w in key.split() if w not in _NODE_KEY_WORDS and w not in ("gpu",))


@cache
def alias_table(kind: TableKind) -> dict[str, FieldSpec]:
    """Base key → field for one kind (aliases analysed like headers)."""
    table: dict[str, FieldSpec] = {}
    for spec in FIELDS[kind]:
        for alias in spec.aliases:
            key = analyse_header(alias).key
            if key and key not in table:
                table[key] = spec
    return table


def alias_collisions(kind: TableKind) -> list[tuple[str, str, str]]:
    """Aliases that two fields of one kind both claim (must be empty; checked by tests)."""
    seen: dict[str, str] = {}
    out = []
    for spec in FIELDS[kind]:
        for alias in spec.aliases:
            key = analyse_header(alias).key
            if key in seen and seen[key] != spec.name:
                out.append((key, seen[key], spec.name))
            seen.setdefault(key, spec.name)
    return out


_PRICE_KEY_WORDS = _PRICE_WORDS | _NODE_WORDS | {"gpu", "gpus", "hourly", "rental"}


@dataclass(frozen=True)
class ColumnMatch:
    spec: FieldSpec
    info: HeaderInfo


@dataclass
class HeaderProblem:
    message: str


def match_header(kind: TableKind, text: str) -> ColumnMatch | HeaderProblem | None:
    """The field a header fills for ``kind``; a HeaderProblem when it is a price with no
    period; None when unknown (kept as a note)."""
    info = analyse_header(text)
    if not info.key and not info.currency and not info.period:
        return None
    table = alias_table(kind)
    specs = {s.name: s for s in FIELDS[kind]}
    money_like = info.currency is not None or info.period is not None
    spec = table.get(info.key)
    if spec is None and info.key:
        spec = table.get(_strip_node(info.key))
    if spec is not None and money_like and spec.kind in ("text", "enum", "bool", "date"):
        spec = None
    if spec is not None and money_like and spec.kind == "int" and info.currency:
        spec = None
    if spec is not None and spec.dimension == "money" and info.period is not None:
        spec = None
    if spec is not None and spec.dimension == "price" and info.period is None:
        spec = None
    if spec is None and (money_like or info.priced) and "price_per_gpu_hour" in specs:
        if info.key and not (info.priced or info.currency or info.period):
            return None
        if info.period is None:
            if any(w not in _PRICE_KEY_WORDS for w in info.words):
                return None
            return HeaderProblem(
                f'price column "{text}" does not say per hour, per month or per year: '
                'add the period to the header (e.g. "Price per GPU-hour")'
            )
        return ColumnMatch(specs["price_per_gpu_hour"], info)
    if spec is None and info.priced and info.period is None and "list_price_usd" in specs:
        return ColumnMatch(specs["list_price_usd"], info)
    if spec is None:
        return None
    return ColumnMatch(spec, info)


Matcher = Callable[[TableKind, str], "ColumnMatch | HeaderProblem | None"]
"""What finds a header's field: :func:`match_header`, or one that consults a mapping."""


def kind_score(kind: TableKind, headers: list[str], match: Matcher | None = None) -> float:
    """How well a header row fits a kind: distinct specific fields, required ones double.
    ``match`` defaults to :func:`match_header` (a column mapping passes its own)."""
    match = match or match_header
    seen: set[str] = set()
    score = 0.0
    for text in headers:
        found = match(kind, text)
        if not isinstance(found, ColumnMatch) or found.spec.name in seen:
            continue
        seen.add(found.spec.name)
        spec = found.spec
        weight = 2.0 if spec.required or spec.dimension == "price" else 1.0
        score += 0.25 if spec.generic else weight
    return score
