"""Finish the saved workbook package: cached formula values, chart caches, clean docProps.

openpyxl saves every formula with an empty ``<v/>`` and charts without cached data, so a
reader that does not recalculate (mail and file previewers, pandas/calamine, openpyxl's
``data_only``) shows empty cells and empty charts. This module rewrites the parts of the
saved zip: each formula cell gets its computed value (``formulas.Evaluator``) with the
right cell type, each chart series its number/string cache, and ``docProps/core.xml``
loses the ``xml:space`` attribute openpyxl adds to text with edge spaces (the
core-properties schema does not allow it). Excel still recalculates on load and on every
edit: the formulas are untouched.
"""

import io
import math
import posixpath
import re
import zipfile
from collections.abc import Callable
from xml.sax.saxutils import escape

from openpyxl import Workbook

from tokentco.io.scorecard.formulas import Area, Evaluator, ExcelError, Scalar

_CELL = re.compile(
    r'<c r="(?P<ref>[A-Z]+\d+)"(?P<attrs>[^>]*)><f>(?P<f>.*?)</f>(?:<v\s*/>|<v>[^<]*</v>)?</c>',
    re.S,
)
_TYPE = re.compile(r'\s+t="[^"]*"')
_SHEET = re.compile(r'<sheet\b[^>]*?name="(?P<name>[^"]*)"[^>]*?r:id="(?P<rid>[^"]*)"')
_REL = re.compile(r'<Relationship\b[^>]*?Id="(?P<id>[^"]*)"[^>]*?Target="(?P<target>[^"]*)"')
_REL_ALT = re.compile(r'<Relationship\b[^>]*?Target="(?P<target>[^"]*)"[^>]*?Id="(?P<id>[^"]*)"')
_SERIES_REF = re.compile(
    r"<(?P<p>(?:\w+:)?)(?P<kind>numRef|strRef)><(?P=p)f>(?P<f>[^<]*)</(?P=p)f>.*?"
    r"</(?P=p)(?P=kind)>",
    re.S,
)


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def number_text(value: float) -> str:
    """A float as the shortest text that reads back to the same double."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _cell_xml(ref: str, attrs: str, formula: str, value: Scalar) -> str:
    attrs = _TYPE.sub("", attrs)
    if isinstance(value, bool):
        return f'<c r="{ref}"{attrs} t="b"><f>{formula}</f><v>{int(value)}</v></c>'
    if isinstance(value, float) and math.isfinite(value):
        return f'<c r="{ref}"{attrs}><f>{formula}</f><v>{number_text(value)}</v></c>'
    if isinstance(value, ExcelError):
        return f'<c r="{ref}"{attrs} t="e"><f>{formula}</f><v>{value.code}</v></c>'
    text = "" if value is None else str(value)
    return f'<c r="{ref}"{attrs} t="str"><f>{formula}</f><v>{escape(text)}</v></c>'


def _sheet_parts(files: dict[str, bytes]) -> dict[str, str]:
    """Sheet title → part name (``xl/worksheets/sheet1.xml``), read from the workbook."""
    workbook = files["xl/workbook.xml"].decode("utf-8")
    rels = files["xl/_rels/workbook.xml.rels"].decode("utf-8")
    targets = {m.group("id"): m.group("target") for m in _REL.finditer(rels)}
    targets.update({m.group("id"): m.group("target") for m in _REL_ALT.finditer(rels)})
    out: dict[str, str] = {}
    for m in _SHEET.finditer(workbook):
        target = targets.get(m.group("rid"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        out[_unescape(m.group("name"))] = posixpath.normpath(part)
    return out


def _fill_sheet(xml: str, sheet: str, ev: Evaluator) -> str:
    def replace(match: re.Match[str]) -> str:
        value = ev.value(sheet, match.group("ref"))
        return _cell_xml(match.group("ref"), match.group("attrs"), match.group("f"), value)

    return _CELL.sub(replace, xml)


def _chart_cache(xml: str, value_of: Callable[[str], list[Scalar]]) -> str:
    """Add ``numCache``/``strCache`` after each series reference (replacing any)."""

    def replace(match: re.Match[str]) -> str:
        p, kind, ref = match.group("p"), match.group("kind"), _unescape(match.group("f"))
        values = value_of(ref)
        points = []
        if kind == "numRef":
            for i, v in enumerate(values):
                if isinstance(v, float) and math.isfinite(v) and not isinstance(v, bool):
                    points.append(f'<{p}pt idx="{i}"><{p}v>{number_text(v)}</{p}v></{p}pt>')
            cache = (
                f"<{p}numCache><{p}formatCode>General</{p}formatCode>"
                f'<{p}ptCount val="{len(values)}"/>{"".join(points)}</{p}numCache>'
            )
        else:
            for i, v in enumerate(values):
                text = "" if v is None or isinstance(v, ExcelError) else _plain(v)
                points.append(f'<{p}pt idx="{i}"><{p}v>{escape(text)}</{p}v></{p}pt>')
            cache = f'<{p}strCache><{p}ptCount val="{len(values)}"/>{"".join(points)}</{p}strCache>'
        return f"<{p}{kind}><{p}f>{match.group('f')}</{p}f>{cache}</{p}{kind}>"

    return _SERIES_REF.sub(replace, xml)


def _plain(value: Scalar) -> str:
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


_XML_SPACE = re.compile(r'\s+xml:space="preserve"')


def finish_package(data: bytes, wb: Workbook) -> bytes:
    """The saved workbook ``data`` with cached values, chart caches and clean docProps."""
    ev = Evaluator(wb)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        infos = source.infolist()
        files = {info.filename: source.read(info.filename) for info in infos}
    for sheet, part in _sheet_parts(files).items():
        if part in files:
            xml = _fill_sheet(files[part].decode("utf-8"), sheet, ev)
            # openpyxl marks text with edge spaces xml:space="preserve", which the sml
            # schema does not allow on <t>; readers keep the spaces without it
            files[part] = _XML_SPACE.sub("", xml).encode("utf-8")

    def value_of(ref: str) -> list[Scalar]:
        result = ev.evaluate_formula(wb.worksheets[0].title, "=" + ref)
        return list(result.flat()) if isinstance(result, Area) else [result]

    for name in files:
        if name.startswith("xl/charts/chart") and name.endswith(".xml"):
            files[name] = _chart_cache(files[name].decode("utf-8"), value_of).encode("utf-8")
    if "docProps/core.xml" in files:
        core = files["docProps/core.xml"].decode("utf-8")
        files["docProps/core.xml"] = _XML_SPACE.sub("", core).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            target.writestr(info, files[info.filename], compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
