"""Column mappings: the analyst says which field (and unit) a column fills.

When a vendor's headers are not recognised ("Speicher-Ausbau", "Col7"), the analyst maps
them once instead of editing the vendor's file. A mapping comes from the CLI
(``--map "Header=field[:unit]"``, repeatable; ``--mapping FILE``), from the GUI's mapping
dialog, or from the :class:`MappingStore` that remembers it for that header layout. It
takes precedence over the synonyms; unmapped headers are matched as usual.

Mapping file (JSON, shareable; written by the GUI's "Save mapping…" and by
:func:`save_mapping`)::

    {
      "format": "tokentco-column-mapping",
      "version": 1,
      "kind": "accelerators",
      "columns": {
        "Modell": "name",
        "Speicher-Ausbau": "memory_gb:GiB",
        "Durchsatz": {"field": "memory_bw_tb_s", "unit": "GB/s"},
        "Bemerkung": "ignore"
      }
    }

- ``kind`` (optional) is the table kind (accelerators, systems, offers, models,
  measured); without it the kind is detected from the mapped and recognised headers.
- Each column maps a header *as written* (case and spacing ignored) to a field name (as
  in ``tokentco template`` comments: ``memory_gb``, ``price_per_gpu_hour``…) or its
  label ("Memory"), optionally with a unit written as a header would state it ("GiB",
  "GB/s", "EUR per month", "per 8-GPU node per hour", "%"). Without a unit the header's
  own units apply. ``"ignore"`` keeps a column as a note only.
"""

import difflib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from tokentco.domain import TABLE_KINDS, TableKind
from tokentco.io.errors import InputError, Location
from tokentco.io.import_fields import FIELDS, FieldSpec
from tokentco.io.import_headers import HeaderInfo, analyse_header
from tokentco.io.import_match import ColumnMatch, HeaderProblem, Matcher, match_header
from tokentco.io.project_file import atomic_write_bytes

MAPPING_FORMAT = "tokentco-column-mapping"
MAPPING_VERSION = 1
STORE_FORMAT = "tokentco-column-mapping-store"
IGNORE = "ignore"
MAX_MAPPING_BYTES = 5_000_000
MAX_REMEMBERED_LAYOUTS = 500


def normalise_header(text: str) -> str:
    """A header as a mapping key: case folded, spacing collapsed."""
    return " ".join(str(text).split()).casefold()


def layout_key(headers: Sequence[str]) -> tuple[str, ...]:
    """The key a header layout is remembered under (normalised headers, trailing blanks
    dropped), so the same vendor's next file finds its mapping."""
    key = [normalise_header(h) for h in headers]
    while key and not key[-1]:
        key.pop()
    return tuple(key)


@dataclass(frozen=True)
class MappedColumn:
    """What one header is mapped to: a field name (or ``ignore``) and an optional unit."""

    field: str
    unit: str = ""

    def as_text(self) -> str:
        return f"{self.field}:{self.unit}" if self.unit else self.field


@dataclass(frozen=True)
class ColumnMapping:
    """Header → field (and unit) for one header layout, optionally for one table kind."""

    columns: dict[str, MappedColumn] = field(default_factory=dict)
    kind: TableKind | None = None

    def get(self, header: str) -> MappedColumn | None:
        return self._lookup.get(normalise_header(header))

    @cached_property
    def _lookup(self) -> dict[str, MappedColumn]:
        return {normalise_header(h): m for h, m in self.columns.items()}

    def __bool__(self) -> bool:
        return bool(self.columns) or self.kind is not None

    def merged(self, other: "ColumnMapping") -> "ColumnMapping":
        """This mapping with ``other``'s columns on top (``--map`` over ``--mapping``)."""
        columns = {h: m for h, m in self.columns.items()}
        for header, mapped in other.columns.items():
            for old in [h for h in columns if normalise_header(h) == normalise_header(header)]:
                del columns[old]
            columns[header] = mapped
        return ColumnMapping(columns=columns, kind=other.kind or self.kind)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": MAPPING_FORMAT, "version": MAPPING_VERSION}
        if self.kind:
            out["kind"] = self.kind
        out["columns"] = {
            h: ({"field": m.field, "unit": m.unit} if m.unit else {"field": m.field})
            for h, m in self.columns.items()
        }
        return out


# --- fields and units -------------------------------------------------------------------


def field_names(kind: TableKind | None = None) -> list[str]:
    """Field names a column can be mapped to (helper columns like GPUs-per-node included)."""
    kinds = (kind,) if kind else TABLE_KINDS
    return list(dict.fromkeys(s.name for k in kinds for s in FIELDS[k]))


def field_spec(kind: TableKind, name: str) -> FieldSpec | None:
    for spec in FIELDS[kind]:
        if spec.name == name:
            return spec
    return None


def _resolve_field(text: str, kind: TableKind | None, where: Location) -> str:
    wanted = text.strip()
    if wanted.casefold() in (IGNORE, "-", "none", "skip"):
        return IGNORE
    kinds = (kind,) if kind else TABLE_KINDS
    for k in kinds:
        for spec in FIELDS[k]:
            if wanted == spec.name or wanted.casefold() in (
                spec.name.casefold(),
                spec.label.casefold(),
            ):
                return spec.name
    names = field_names(kind)
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5) or names[:3]
    scope = f"{kind} field" if kind else "field"
    raise InputError(
        f'"{wanted}" is not a {scope}: expected a field name such as {", ".join(close)} '
        f'or "{IGNORE}"',
        where,
    )


def check_unit(unit: str, where: Location) -> str:
    """``unit`` if it states only units (a currency, period, unit, percent, per node);
    an InputError otherwise, so a typo is caught before any file is read."""
    text = unit.strip()
    if not text:
        return ""
    info = analyse_header(text)
    stated = info.unit or info.currency or info.period or info.percent or info.node_gpus
    extra = set(info.words) - {"gpu", "gpus", "node", "server", "instance", "rack", "system"}
    if not stated or extra:
        raise InputError(
            f'unit "{text}" is not understood: expected a unit such as GB, GiB, TB/s, '
            'GB/s, W, kW, TFLOPS, ms, s, %, "EUR per month", "per 8-GPU node per hour"',
            where,
        )
    return text


_UNITLESS_KINDS = ("text", "enum", "bool", "date", "precision")


def _mapped(
    name: str, unit: str, kind: TableKind | None, where: Location, header: str = ""
) -> MappedColumn:
    """The column a ``field[:unit]`` target names, refusing a unit on a field that takes
    none (a name, a date, a choice): the unit would be silently meaningless."""
    field_name = _resolve_field(name, kind, where)
    unit = check_unit(unit, where)
    column = f'"{header}": ' if header else ""
    if unit and field_name != IGNORE:
        kinds = (kind,) if kind else TABLE_KINDS
        specs = [spec for k in kinds if (spec := field_spec(k, field_name)) is not None]
        if specs and all(spec.kind in _UNITLESS_KINDS for spec in specs):
            raise InputError(
                f"{column}{field_name} is a {specs[0].kind} field and takes no unit "
                f'(drop ":{unit}")',
                where,
            )
    if unit and field_name == IGNORE:
        raise InputError(f'{column}an ignored column takes no unit (drop ":{unit}")', where)
    return MappedColumn(field_name, unit)


def parse_map_option(text: str, kind: TableKind | None = None) -> tuple[str, MappedColumn]:
    """``"Header=field[:unit]"`` → (header, MappedColumn); an InputError naming the option
    otherwise. The last ``=`` separates, so a header may itself contain ``=``; the first
    ``:`` after it starts the unit."""
    where = Location(file="--map")
    if "=" not in text:
        raise InputError(
            f'"{text}" is not HEADER=field[:unit] (e.g. "Speicher=memory_gb:GiB")', where
        )
    header, _, target = text.rpartition("=")
    if not header.strip():
        raise InputError(f'"{text}" has no header before "="', where)
    name, _, unit = target.partition(":")
    return header.strip(), _mapped(name, unit, kind, where, header.strip())


def mapping_from_options(
    options: Iterable[str], file: Path | None = None, kind: TableKind | None = None
) -> ColumnMapping | None:
    """The mapping the CLI's ``--mapping FILE`` and ``--map`` options describe (``--map``
    wins for the same header); None when neither is given."""
    base = load_mapping(file) if file is not None else ColumnMapping()
    columns: dict[str, MappedColumn] = {}
    for option in options:
        header, mapped = parse_map_option(option, kind or base.kind)
        columns[header] = mapped
    mapping = base.merged(ColumnMapping(columns=columns, kind=kind))
    return mapping if mapping else None


def mapping_from_json(data: Any, where: Location) -> ColumnMapping:
    """A mapping from parsed JSON, every entry checked (InputError on the first bad one)."""
    if not isinstance(data, dict):
        raise InputError('expected a JSON object with a "columns" object', where)
    if data.get("format", MAPPING_FORMAT) != MAPPING_FORMAT:
        raise InputError(f'"format" is {data.get("format")!r}, expected "{MAPPING_FORMAT}"', where)
    version = data.get("version", MAPPING_VERSION)
    if type(version) is not int or not 1 <= version <= MAPPING_VERSION:
        raise InputError(
            f'"version" is {version!r}: this TokenTCO reads mapping files of version '
            f"{MAPPING_VERSION}",
            where,
        )
    kind = data.get("kind")
    if kind is not None and kind not in TABLE_KINDS:
        raise InputError(f'"kind" is {kind!r}, expected one of {", ".join(TABLE_KINDS)}', where)
    columns = data.get("columns")
    if not isinstance(columns, dict):
        raise InputError('expected a "columns" object mapping headers to fields', where)
    out: dict[str, MappedColumn] = {}
    for header, target in columns.items():
        at = replace(where, header=str(header), column="columns")
        if isinstance(target, str):
            name, _, unit = target.partition(":")
        elif isinstance(target, dict) and isinstance(target.get("field"), str):
            name, unit = target["field"], target.get("unit") or ""
            if not isinstance(unit, str):
                raise InputError('"unit" must be text such as "GiB"', at)
        else:
            raise InputError('expected "field[:unit]" or {"field": …, "unit": …}', at)
        out[str(header)] = _mapped(name, unit, kind, at)
    return ColumnMapping(columns=out, kind=kind)


class _BadMappingJson(ValueError):
    """JSON that parses but a mapping must not accept (a doubled key, an infinite number)."""


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _BadMappingJson(f'key "{key}" appears twice in one object (which one is meant?)')
        seen[key] = value
    return seen


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadMappingJson(f"number {text[:20]} is too large (not a finite number)")
    return value


def _no_constant(text: str) -> float:
    raise _BadMappingJson(f"{text} is not a number a mapping file may hold")


def load_mapping(path: Path | str) -> ColumnMapping:
    """Read a mapping file; one located InputError when it is missing or malformed."""
    path = Path(path)
    where = Location(file=path.name)
    try:
        if path.stat().st_size > MAX_MAPPING_BYTES:
            raise InputError("mapping file is larger than 5 MB: not a mapping", where)
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("mapping file not found", where) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"mapping file could not be read: {exc.__class__.__name__}", where
        ) from None
    try:
        data = json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_float=_finite_float,
            parse_constant=_no_constant,
        )
    except _BadMappingJson as exc:
        raise InputError(str(exc), where) from None
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(
            f"not valid JSON ({getattr(exc, 'msg', 'too deeply nested')})", replace(where, row=line)
        ) from None
    return mapping_from_json(data, where)


def save_mapping(mapping: ColumnMapping, path: Path | str) -> None:
    """Write a mapping file atomically (to share with a colleague or reuse with --mapping)."""
    text = json.dumps(mapping.to_json(), indent=2, ensure_ascii=False) + "\n"
    try:
        atomic_write_bytes(Path(path), text.encode("utf-8"))
    except OSError as exc:
        raise InputError(
            f"could not write the mapping: {exc.strerror or exc}", Location(file=str(path))
        ) from None


# --- matching ---------------------------------------------------------------------------


def match_column(
    kind: TableKind, text: str, mapping: ColumnMapping | None
) -> ColumnMatch | HeaderProblem | None:
    """The field a header fills: the mapping's answer when it maps this header, the usual
    synonym matching otherwise. A column mapped to another kind's field, or to ``ignore``,
    fills nothing here."""
    mapped = mapping.get(text) if mapping else None
    if mapped is None:
        return match_header(kind, text)
    if mapped.field == IGNORE:
        return None
    spec = field_spec(kind, mapped.field)
    if spec is None:
        return None
    return ColumnMatch(spec, mapped_info(text, spec, mapped.unit))


def column_matcher(mapping: ColumnMapping | None) -> Matcher:
    """The header matcher the importer uses: plain synonyms, or this mapping first."""
    if not mapping:
        return match_header
    return lambda kind, text: match_column(kind, text, mapping)


def mapped_info(text: str, spec: FieldSpec, unit: str) -> HeaderInfo:
    """Header facts for a mapped column: the mapping's unit when given, else the
    header's own; a price per GPU-hour field with no stated period is per hour."""
    facts = analyse_header(unit) if unit else analyse_header(text)
    period = facts.period
    if spec.dimension == "price" and period is None:
        period = "hour"
    return HeaderInfo(
        text=text,
        key=spec.name,
        words=(spec.name,),
        unit=facts.unit,
        currency=facts.currency,
        period=period,
        per_node=facts.per_node or facts.node_gpus is not None,
        node_gpus=facts.node_gpus,
        sparse=facts.sparse,
        percent=facts.percent,
    )


# --- remembered mappings ----------------------------------------------------------------


class MappingStore:
    """Mappings remembered per header layout, in one JSON file whose path the caller
    passes (the GUI: a file in the user's config dir; no Qt settings here).

    ``recall(headers)`` gives the mapping last saved for exactly that layout
    (:func:`layout_key`); ``remember`` saves atomically. A missing or damaged store reads
    as empty (it is a convenience, never a reason to refuse an import)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def _read(self) -> list[dict[str, Any]]:
        try:
            if self.path.stat().st_size > MAX_MAPPING_BYTES * 4:
                return []
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return []
        if not isinstance(data, dict) or data.get("format") != STORE_FORMAT:
            return []
        layouts = data.get("layouts")
        return [e for e in layouts if isinstance(e, dict)] if isinstance(layouts, list) else []

    def recall(self, headers: Sequence[str]) -> ColumnMapping | None:
        key = list(layout_key(headers))
        for entry in self._read():
            if entry.get("headers") == key:
                try:
                    return mapping_from_json(entry.get("mapping"), Location(file=self.path.name))
                except InputError:
                    return None
        return None

    def remember(self, headers: Sequence[str], mapping: ColumnMapping) -> None:
        key = list(layout_key(headers))
        entries = [e for e in self._read() if e.get("headers") != key]
        entries.insert(0, {"headers": key, "mapping": mapping.to_json()})
        data = {"format": STORE_FORMAT, "version": 1, "layouts": entries[:MAX_REMEMBERED_LAYOUTS]}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
        atomic_write_bytes(self.path, text.encode("utf-8"))

    def forget(self, headers: Sequence[str]) -> None:
        key = list(layout_key(headers))
        entries = [e for e in self._read() if e.get("headers") != key]
        data = {"format": STORE_FORMAT, "version": 1, "layouts": entries}
        atomic_write_bytes(self.path, (json.dumps(data, indent=1) + "\n").encode("utf-8"))
