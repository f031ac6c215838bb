"""Header analysis: split a header into the words that name a quantity and its units.

A header such as ``"Price per 8-GPU node per month (€)"`` is analysed into a *base key*
(the words that name the quantity, here ``"price"``) plus the unit facts it states
(currency EUR, period month, per node of 8 GPUs). The same analysis reads the suffix of a
cell (``"500 per month"``, ``"3.35 TB/s"``) and the cells of a units row under a header.

Every pattern here runs in linear time and headers longer than :data:`MAX_HEADER_CHARS`
are not analysed at all: the header search looks at every text cell of the first rows,
and one hostile 32,000-character cell must cost microseconds, not a minute.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from tokentco.io.import_synonyms import translate_header

MAX_HEADER_CHARS = 200
"""Longer text is never a header (real headers are a few words) and is not analysed."""

_CURRENCY_WORDS = {
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "us": "USD",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "jpy": "JPY",
    "yen": "JPY",
    # stated so that a price in them is converted or reported, never read as dollars
    "chf": "CHF",
    "cny": "CNY",
    "rmb": "CNY",
    "yuan": "CNY",
    "cad": "CAD",
    "aud": "AUD",
    "inr": "INR",
    "krw": "KRW",
    "sgd": "SGD",
    "brl": "BRL",
}
CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "￥": "JPY"}
_PERIOD_WORDS = {
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "hour": "hour",
    "hours": "hour",
    "hourly": "hour",
    "month": "month",
    "months": "month",
    "monthly": "month",
    "mo": "month",
    "mth": "month",
    "year": "year",
    "years": "year",
    "yearly": "year",
    "annual": "year",
    "annually": "year",
    "yr": "year",
    "yrs": "year",
    "pa": "year",
    "week": "week",
    "weeks": "week",
    "wk": "week",
    "wks": "week",
    "day": "day",
    "days": "day",
    "daily": "day",
}
_UNIT_WORDS = {
    "gb": "gb",
    "gib": "gib",
    "tb": "tb",
    "tib": "tib",
    "mb": "mb",
    "mib": "mib",
    "w": "w",
    "watt": "w",
    "watts": "w",
    "kw": "kw",
    "kilowatt": "kw",
    "kilowatts": "kw",
    "tflops": "tflops",
    "tflop": "tflops",
    "pflops": "pflops",
    "pflop": "pflops",
    "gflops": "gflops",
    "tops": "tops",
    "pops": "pops",
    "flops": "flops",
    "ms": "ms",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "millisecond": "ms",
    "milliseconds": "ms",
    "pct": "pct",
    "percent": "pct",
    "b": "b",
    "bn": "b",
    "billion": "b",
    "m": "m",
    "million": "m",
    "t": "t",
    "trillion": "t",
    "u_tbs": "tb/s",
    "u_gbs": "gb/s",
    "u_gibs": "gib/s",
    "u_mbs": "mb/s",
    "u_gbits": "gbit/s",
    "u_kwh": "kwh",
    "u_toks": "tok/s",
    "u_mwh": "mwh",
}
_QUALIFIERS = {"dense": False, "sparse": True, "sparsity": True}
_FILLER = {
    "per",
    "of",
    "in",
    "the",
    "a",
    "an",
    "for",
    "each",
    "at",
    "with",
    "without",
    "or",
    "and",
    "num",
    "number",
    "no",
    "nr",
    "n",
    "value",
    "peak",
    "approx",
    "est",
    "estimated",
    "x",
    "to",
    "by",
    "incl",
    "including",
    "excl",
    "excluding",
    "vat",
    "all",
}
_CANON = {
    "tok": "tokens",
    "toks": "tokens",
    "token": "tokens",
    "mem": "memory",
    "bw": "bandwidth",
    "tokens": "tokens",
    "config": "config",
}
_NODE_WORDS = {
    "node",
    "nodes",
    "server",
    "servers",
    "instance",
    "instances",
    "system",
    "box",
    "chassis",
    "vm",
    "rack",
    "racks",
    "pod",
    "cluster",
}
_PRICE_WORDS = {
    "price",
    "prices",
    "cost",
    "costs",
    "rate",
    "pricing",
    "fee",
    "charge",
    "rental",
    "rent",
    "tariff",
    "list",
}

_COMPOSITE = [
    (re.compile(r"Gb(?:it)?s?\s*/\s*s(?:ec)?\b|\bGbps\b|\bgbits?\s*/\s*s\b|\bgbps\b"), " u_gbits "),
    (
        re.compile(
            r"(?<![a-z0-9])(?:tb|tib|tbytes?)[\s_]*(?:/|per|_)?[\s_]*s(?:ec)?(?![a-z])|"
            r"\btbps\b",
            re.I,
        ),
        " u_tbs ",
    ),
    (re.compile(r"(?<![a-z0-9])gib[\s_]*(?:/|per|_)?[\s_]*s(?:ec)?(?![a-z])", re.I), " u_gibs "),
    (
        re.compile(r"(?<![a-z0-9])(?:gb|gbytes?)[\s_]*(?:/|per|_)?[\s_]*s(?:ec)?(?![a-z])", re.I),
        " u_gbs ",
    ),
    (re.compile(r"(?<![a-z0-9])mb[\s_]*(?:/|per|_)?[\s_]*s(?:ec)?(?![a-z])", re.I), " u_mbs "),
    (re.compile(r"(?<![a-z0-9])k\s*wh(?![a-z])", re.I), " u_kwh "),
    (re.compile(r"(?<![a-z0-9])m\s*wh(?![a-z])", re.I), " u_mwh "),
    (re.compile(r"(?<![a-z0-9])tok(?:en)?s?\s*/\s*s(?:ec)?(?![a-z])", re.I), " u_toks "),
    (re.compile(r"(?<![a-z0-9])tps(?![a-z])", re.I), " u_toks "),
]
# (?<!\d) anchors each count at the start of its digit run: without it a 32,000-digit
# cell retried the match from every digit (quadratic, 40-50 s per cell).
_NODE_GPUS = re.compile(
    r"(?<!\d)(\d+)\s*(?:-|x|×)?\s*gpus?\b|\bnvl\s*(\d+)|(?<!\d)(\d+)\s*x\s+[a-z]", re.I
)
# words are runs of letters/digits in any script, so an untranslated foreign word stays in
# the key (and matches nothing) instead of being dropped
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class HeaderInfo:
    """What a header says: its base key and the unit facts it states."""

    text: str
    key: str
    words: tuple[str, ...] = ()
    unit: str | None = None
    currency: str | None = None
    period: str | None = None
    per_node: bool = False
    node_gpus: int | None = None
    sparse: bool | None = None
    percent: bool = False
    priced: bool = False

    @property
    def unit_only(self) -> bool:
        """True for a cell of a units row ("GB", "TB/s", "$/GPU-hr") under the header."""
        stated = bool(self.unit or self.currency or self.period or self.percent)
        if set(self.words) <= {"gpu", "gpus", "node", "server"} and self.words:
            return bool(self.currency or self.period)
        return not self.key and stated


@lru_cache(maxsize=8192)
def analyse_header(text: str) -> HeaderInfo:
    """Split a header into its base key and stated units (pure, cached).

    Text longer than :data:`MAX_HEADER_CHARS` is no header: it gets an empty analysis
    (no key, no unit) in constant time."""
    raw = str(text).strip()
    if len(raw) > MAX_HEADER_CHARS:
        return HeaderInfo(text=raw[:MAX_HEADER_CHARS] + "…", key="")
    s = translate_header(raw)
    currency = None
    for symbol, code in CURRENCY_SYMBOLS.items():
        if symbol in s:
            currency = currency or code
            s = s.replace(symbol, " ")
    percent = "%" in s
    s = s.replace("%", " pct ")
    for pattern, replacement in _COMPOSITE:
        s = pattern.sub(replacement, s)
    low = s.lower()
    node_gpus = None
    match = _NODE_GPUS.search(low)
    words = _WORD.findall(low.replace("_", " ").replace("u tbs", "u_tbs"))
    # the composite replacement tokens contain "_" which the split above removed: restore
    words = _rejoin_units(words)
    if match and any(w in _NODE_WORDS for w in words):
        node_gpus = int(next(g for g in match.groups() if g))
    unit = period = None
    sparse = None
    priced = False
    per_node = False
    base: list[str] = []
    for w in words:
        if w in _CURRENCY_WORDS and (w != "us" or not base):
            currency = currency or _CURRENCY_WORDS[w]
        elif w in _PERIOD_WORDS:
            period = period or _PERIOD_WORDS[w]
        elif w in _UNIT_WORDS:
            u = _UNIT_WORDS[w]
            if u == "pct":
                percent = True
            else:
                unit = unit or u
        elif w in _QUALIFIERS:
            sparse = _QUALIFIERS[w] if sparse is None else sparse
        elif w in _FILLER or w.isdigit():
            continue
        else:
            if w in _NODE_WORDS:
                per_node = True
            if w in _PRICE_WORDS:
                priced = True
            if w.startswith("nvl") and w[3:].isdigit():
                per_node = True
                continue
            base.append(_CANON.get(w, w))
    return HeaderInfo(
        text=raw,
        key=" ".join(base),
        words=tuple(base),
        unit=unit,
        currency=currency,
        period=period,
        per_node=per_node,
        node_gpus=node_gpus,
        sparse=sparse,
        percent=percent,
        priced=priced,
    )


def _rejoin_units(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        if words[i] == "u" and i + 1 < len(words) and f"u_{words[i + 1]}" in _UNIT_WORDS:
            out.append(f"u_{words[i + 1]}")
            i += 2
            continue
        out.append(words[i])
        i += 1
    return out
