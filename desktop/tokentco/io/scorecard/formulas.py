"""A small evaluator for the formulas the scorecard workbook writes, so every formula cell
can be saved with its computed value.

openpyxl writes formulas without results; mail and file previewers, pandas/calamine and
every other reader that does not recalculate would show an empty Summary. Rather than
repeat each formula's arithmetic in Python by hand (two copies that drift), the workbook's
own formulas are evaluated here, with Excel's semantics for the functions the workbook
uses (blank cells count as 0 in arithmetic, text is skipped by MIN/MAX/SUM over ranges,
RANK shares ranks between equal values, errors propagate). The recalculation tests check
that LibreOffice and Gnumeric compute the same values, and that they equal the engine's.

A formula using anything outside this subset raises ``UnsupportedFormula`` when the
workbook is built, so a new formula cannot silently ship without a value.
"""

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import column_index_from_string, get_column_letter


class UnsupportedFormula(ValueError):
    """A formula the evaluator cannot compute (names the cell)."""


@dataclass(frozen=True)
class ExcelError:
    """An Excel error value such as ``#DIV/0!``; propagates through arithmetic."""

    code: str


DIV0 = ExcelError("#DIV/0!")
NA = ExcelError("#N/A")
VALUE = ExcelError("#VALUE!")
NUM = ExcelError("#NUM!")
REF = ExcelError("#REF!")

Scalar = float | str | bool | None | ExcelError


@dataclass(frozen=True)
class Area:
    """A rectangular block of values (rows of columns) from a range reference."""

    rows: tuple[tuple[Scalar, ...], ...]

    def flat(self) -> Iterator[Scalar]:
        for row in self.rows:
            yield from row


Value = Scalar | Area


class _Raise(Exception):
    def __init__(self, error: ExcelError) -> None:
        super().__init__(error.code)
        self.error = error


# --- parsing -----------------------------------------------------------------------------------

Node = tuple[Any, ...]
_PREC = {"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "&": 2, "+": 3, "-": 3, "*": 4, "/": 4}
_POWER = 5


class _Parser:
    def __init__(self, formula: str) -> None:
        tokens = [t for t in Tokenizer(formula).items if t.type != Token.WSPACE]
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self.expression(0)
        if self.peek() is not None:
            raise UnsupportedFormula(f"unexpected {self.peek().value!r}")  # type: ignore[union-attr]
        return node

    def expression(self, min_prec: int) -> Node:
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token.type != Token.OP_IN:
                return left
            op = token.value
            prec = _POWER if op == "^" else _PREC.get(op)
            if prec is None:
                raise UnsupportedFormula(f"operator {op!r}")
            if prec < min_prec:
                return left
            self.take()
            right = self.expression(prec + 1)
            left = ("op", op, left, right)

    def unary(self) -> Node:
        """A primary with its prefix signs, then ``^`` and ``%``: Excel applies a unary minus
        before powers (-2^2 = 4)."""
        return self.postfix(self.power(self.primary_unary()))

    def power(self, node: Node) -> Node:
        token = self.peek()
        while token is not None and token.type == Token.OP_IN and token.value == "^":
            self.take()
            node = ("op", "^", node, self.primary_unary())
            token = self.peek()
        return node

    def primary_unary(self) -> Node:
        token = self.peek()
        if token is not None and token.type == Token.OP_PRE:
            self.take()
            operand = self.primary_unary()
            return ("neg", operand) if token.value == "-" else operand
        return self.primary()

    def postfix(self, node: Node) -> Node:
        token = self.peek()
        while token is not None and token.type == Token.OP_POST and token.value == "%":
            self.take()
            node = ("op", "/", node, ("num", 100.0))
            token = self.peek()
        return node

    def primary(self) -> Node:
        token = self.take()
        if token.type == Token.OPERAND:
            if token.subtype == Token.NUMBER:
                return ("num", float(token.value))
            if token.subtype == Token.TEXT:
                return ("str", token.value[1:-1].replace('""', '"'))
            if token.subtype == Token.LOGICAL:
                return ("bool", token.value.upper() == "TRUE")
            if token.subtype == Token.ERROR:
                return ("err", token.value)
            return ("ref", token.value)
        if token.type == Token.FUNC and token.subtype == Token.OPEN:
            name = token.value[:-1].upper()
            args: list[Node] = []
            nxt = self.peek()
            if nxt is not None and nxt.type == Token.FUNC and nxt.subtype == Token.CLOSE:
                self.take()
                return ("call", name, args)
            while True:
                nxt = self.peek()
                if nxt is not None and nxt.type == Token.SEP:
                    args.append(("blank",))
                else:
                    args.append(self.expression(0))
                sep = self.take()
                if sep.type == Token.FUNC and sep.subtype == Token.CLOSE:
                    return ("call", name, args)
                if sep.type != Token.SEP:
                    raise UnsupportedFormula(f"unexpected {sep.value!r} in {name}")
        if token.type == Token.PAREN and token.subtype == Token.OPEN:
            node = self.expression(0)
            close = self.take()
            if close.type != Token.PAREN:
                raise UnsupportedFormula("unbalanced parenthesis")
            return node
        raise UnsupportedFormula(f"unexpected {token.value!r}")


# --- evaluation --------------------------------------------------------------------------------

_REF = re.compile(
    r"^(?:(?P<sheet>'(?:[^']|'')+'|[^!]+)!)?(?P<a>\$?[A-Z]{1,3}\$?\d+)(?::(?P<b>\$?[A-Z]{1,3}\$?\d+))?$"
)
_CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


def _split(cell: str) -> tuple[int, int]:
    match = _CELL.fullmatch(cell)
    assert match is not None
    return int(match.group(2)), column_index_from_string(match.group(1))


class Evaluator:
    """Computes formula cells of an in-memory workbook on demand (memoised)."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.cache: dict[tuple[str, int, int], Scalar] = {}
        self.parsed: dict[str, Node] = {}
        self.active: set[tuple[str, int, int]] = set()
        self.areas: dict[tuple[str, str], Value] = {}
        """Ranges read so far: cell values never change while a workbook is evaluated."""
        self.names = {name: dn.attr_text for name, dn in wb.defined_names.items() if dn.attr_text}

    # public ----------------------------------------------------------------------------------
    def formula_cells(self) -> Iterator[tuple[str, str]]:
        """(sheet title, coordinate) of every formula cell."""
        for ws in self.wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f" and isinstance(cell.value, str):
                        yield ws.title, cell.coordinate

    def value(self, sheet: str, coordinate: str) -> Scalar:
        row, col = _split(coordinate)
        return self._cell(sheet, row, col)

    def evaluate_formula(self, sheet: str, formula: str) -> Value:
        """The value of ``formula`` (starting with '=') as if written on ``sheet``."""
        node = self.parsed.get(formula)
        if node is None:
            node = _Parser(formula).parse()
            self.parsed[formula] = node
        try:
            return self._eval(node, sheet)
        except _Raise as exc:
            return exc.error

    # cells -----------------------------------------------------------------------------------
    def _cell(self, sheet: str, row: int, col: int) -> Scalar:
        key = (sheet, row, col)
        if key in self.cache:
            return self.cache[key]
        ws = self.wb[sheet]
        cell = ws._cells.get((row, col))
        raw = None if cell is None else cell.value
        if cell is not None and cell.data_type == "f" and isinstance(raw, str):
            if key in self.active:
                raise UnsupportedFormula(f"{sheet}!{get_column_letter(col)}{row}: circular")
            self.active.add(key)
            try:
                result = self.evaluate_formula(sheet, raw)
            except UnsupportedFormula as exc:
                raise UnsupportedFormula(f"{sheet}!{get_column_letter(col)}{row}: {exc}") from exc
            finally:
                self.active.discard(key)
            value = _scalar(result)
            if value is None:
                value = 0.0  # a formula that points at a blank shows 0
        elif isinstance(raw, bool):
            value = raw
        elif isinstance(raw, int | float):
            value = float(raw)
        elif raw is None:
            value = None
        else:
            value = str(raw)
        self.cache[key] = value
        return value

    def _area(self, text: str, sheet: str) -> Value:
        key = (sheet, text)
        found = self.areas.get(key)
        if found is None:
            found = self._read_area(text, sheet)
            self.areas[key] = found
        return found

    def _read_area(self, text: str, sheet: str) -> Value:
        if text in self.names:
            text = self.names[text]
        match = _REF.match(text)
        if match is None:
            raise UnsupportedFormula(f"reference {text!r}")
        target = match.group("sheet")
        if target:
            target = target[1:-1].replace("''", "'") if target.startswith("'") else target
        else:
            target = sheet
        if target not in self.wb.sheetnames:
            return REF
        r1, c1 = _split(match.group("a"))
        if match.group("b") is None:
            return self._cell(target, r1, c1)
        r2, c2 = _split(match.group("b"))
        rows = tuple(
            tuple(self._cell(target, r, c) for c in range(min(c1, c2), max(c1, c2) + 1))
            for r in range(min(r1, r2), max(r1, r2) + 1)
        )
        return Area(rows)

    # nodes -----------------------------------------------------------------------------------
    def _eval(self, node: Node, sheet: str) -> Value:
        kind = node[0]
        if kind == "num":
            return float(node[1])
        if kind == "str":
            return str(node[1])
        if kind == "bool":
            return bool(node[1])
        if kind == "err":
            return ExcelError(str(node[1]))
        if kind == "blank":
            return None
        if kind == "ref":
            return self._area(str(node[1]), sheet)
        if kind == "neg":
            return -_number(self._scalar(node[1], sheet))
        if kind == "op":
            return self._op(str(node[1]), node[2], node[3], sheet)
        if kind == "call":
            name = str(node[1])
            if name in _LAZY:
                return _LAZY[name](self, node[2], sheet)
            fn = _FUNCTIONS.get(name)
            if fn is None:
                raise UnsupportedFormula(f"function {name}")
            return fn([self._eval(arg, sheet) for arg in node[2]])
        raise UnsupportedFormula(f"node {kind}")

    def _scalar(self, node: Node, sheet: str) -> Scalar:
        value = self._eval(node, sheet)
        if isinstance(value, Area):
            raise _Raise(VALUE)
        if isinstance(value, ExcelError):
            raise _Raise(value)
        return value

    def _op(self, op: str, left: Node, right: Node, sheet: str) -> Value:
        a = self._scalar(left, sheet)
        b = self._scalar(right, sheet)
        if op == "&":
            return _text(a) + _text(b)
        if op in ("=", "<>", "<", ">", "<=", ">="):
            return _compare(op, a, b)
        x, y = _number(a), _number(b)
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if op == "/":
            if y == 0:
                raise _Raise(DIV0)
            return x / y
        if op == "^":
            try:
                result = x**y
            except (OverflowError, ZeroDivisionError):
                raise _Raise(NUM) from None
            if isinstance(result, complex) or not math.isfinite(result):
                raise _Raise(NUM)
            return float(result)
        raise UnsupportedFormula(f"operator {op}")


# --- coercions ---------------------------------------------------------------------------------


def _scalar(value: Value) -> Scalar:
    if isinstance(value, Area):
        first = value.rows[0][0] if value.rows and value.rows[0] else None
        return first
    return value


def _number(value: Scalar) -> float:
    if isinstance(value, ExcelError):
        raise _Raise(value)
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    try:
        return float(str(value).strip())
    except ValueError:
        raise _Raise(VALUE) from None


def _text(value: Scalar) -> str:
    if isinstance(value, ExcelError):
        raise _Raise(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _general(value)
    return value


def _general(value: float) -> str:
    """A number as Excel's General format writes it when joined into text."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def _rank_key(value: Scalar) -> tuple[int, Any]:
    """Excel orders numbers < text < logicals; blank equals 0 or ''."""
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, str):
        return (1, value.lower())
    return (0, value)


def _compare(op: str, a: Scalar, b: Scalar) -> bool:
    if a is None:
        a = "" if isinstance(b, str) else (False if isinstance(b, bool) else 0.0)
    if b is None:
        b = "" if isinstance(a, str) else (False if isinstance(a, bool) else 0.0)
    ka, kb = _rank_key(a), _rank_key(b)
    if ka[0] == 0 and kb[0] == 0:
        x, y = float(ka[1]), float(kb[1])
        # Excel compares to 15 significant digits
        close = math.isclose(x, y, rel_tol=1e-15, abs_tol=0.0)
        lt, eq = (x < y and not close), (x == y or close)
    else:
        lt, eq = ka < kb, ka == kb
    return {
        "=": eq,
        "<>": not eq,
        "<": lt,
        ">": not lt and not eq,
        "<=": lt or eq,
        ">=": not lt,
    }[op]


def _numbers(args: Sequence[Value], *, direct_text: bool = False) -> list[float]:
    """Numbers of the arguments as SUM/MIN/MAX/AVERAGE see them: in ranges only numbers
    count; typed directly, logicals and numeric text count too."""
    out: list[float] = []
    for arg in args:
        if isinstance(arg, Area):
            for v in arg.flat():
                if isinstance(v, ExcelError):
                    raise _Raise(v)
                if isinstance(v, float):
                    out.append(v)
        elif isinstance(arg, ExcelError):
            raise _Raise(arg)
        elif arg is None:
            continue
        elif isinstance(arg, str) and not direct_text:
            out.append(_number(arg))
        else:
            out.append(_number(arg))
    return out


def _flat(arg: Value) -> list[Scalar]:
    return list(arg.flat()) if isinstance(arg, Area) else [arg]


def _raising(fn: Callable[[Sequence[Value]], Value]) -> Callable[[Sequence[Value]], Value]:
    def wrapped(args: Sequence[Value]) -> Value:
        try:
            return fn(args)
        except _Raise as exc:
            return exc.error

    return wrapped


def _one(args: Sequence[Value], i: int) -> Scalar:
    value = _scalar(args[i]) if i < len(args) else None
    if isinstance(value, ExcelError):
        raise _Raise(value)
    return value


def _round(value: float, digits: int, up: bool) -> float:
    factor = 10.0**digits
    scaled = abs(value) * factor
    scaled = round(scaled, 9)  # strip binary noise before deciding
    rounded = math.ceil(scaled) if up else math.floor(scaled + 0.5)
    return math.copysign(rounded / factor, value)


def _fn_index(args: Sequence[Value]) -> Value:
    area = args[0]
    if not isinstance(area, Area):
        return area
    row = int(_number(_one(args, 1))) if len(args) > 1 else 1
    col = int(_number(_one(args, 2))) if len(args) > 2 else 1
    if len(area.rows) == 1 and len(args) == 2:
        row, col = 1, row
    if row < 1 or col < 1 or row > len(area.rows) or col > len(area.rows[0]):
        return REF
    return area.rows[row - 1][col - 1]


def _fn_match(args: Sequence[Value]) -> Value:
    target = _one(args, 0)
    kind = _number(_one(args, 2)) if len(args) > 2 else 1.0
    if kind != 0:
        raise UnsupportedFormula("MATCH with an approximate match")
    for i, v in enumerate(_flat(args[1]), start=1):
        if v is None or isinstance(v, ExcelError):
            continue
        if _rank_key(v)[0] == _rank_key(target)[0] and _compare("=", v, target):
            return float(i)
    return NA


def _fn_rank(args: Sequence[Value]) -> Value:
    x = _number(_one(args, 0))
    values = [v for v in _flat(args[1]) if isinstance(v, float)]
    ascending = len(args) > 2 and _number(_one(args, 2)) != 0
    if not any(math.isclose(v, x, rel_tol=1e-15) or v == x for v in values):
        return NA
    if ascending:
        return float(1 + sum(1 for v in values if v < x and not math.isclose(v, x, rel_tol=1e-15)))
    return float(1 + sum(1 for v in values if v > x and not math.isclose(v, x, rel_tol=1e-15)))


def _fn_large(args: Sequence[Value]) -> Value:
    values = sorted(_numbers([args[0]]), reverse=True)
    k = math.ceil(_number(_one(args, 1)))
    if k < 1 or k > len(values):
        return NUM
    return values[k - 1]


def _fn_sumproduct(args: Sequence[Value]) -> Value:
    columns = [_flat(a) for a in args]
    if len({len(c) for c in columns}) != 1:
        return VALUE
    total = 0.0
    for items in zip(*columns, strict=True):
        product = 1.0
        for v in items:
            if isinstance(v, ExcelError):
                return v
            product *= v if isinstance(v, float) else 0.0
        total += product
    return total


def _fn_and(args: Sequence[Value]) -> Value:
    seen = False
    result = True
    for arg in args:
        for v in _flat(arg):
            if isinstance(v, ExcelError):
                return v
            if v is None or (isinstance(v, str) and isinstance(arg, Area)):
                continue
            seen = True
            result = result and bool(_number(v))
    return result if seen else VALUE


def _fn_or(args: Sequence[Value]) -> Value:
    seen = False
    result = False
    for arg in args:
        for v in _flat(arg):
            if isinstance(v, ExcelError):
                return v
            if v is None or (isinstance(v, str) and isinstance(arg, Area)):
                continue
            seen = True
            result = result or bool(_number(v))
    return result if seen else VALUE


def _fn_average(args: Sequence[Value]) -> Value:
    values = _numbers(args)
    return sum(values) / len(values) if values else DIV0


def _fn_n(args: Sequence[Value]) -> Value:
    v = _scalar(args[0])
    if isinstance(v, ExcelError):
        return v
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    return v if isinstance(v, float) else 0.0


def _fn_left(args: Sequence[Value]) -> Value:
    count = int(_number(_one(args, 1))) if len(args) > 1 else 1
    return _text(_one(args, 0))[:count]


_FUNCTIONS: dict[str, Callable[[Sequence[Value]], Value]] = {
    name: _raising(fn)
    for name, fn in {
        "ABS": lambda a: abs(_number(_one(a, 0))),
        "SUM": lambda a: float(sum(_numbers(a))),
        "MIN": lambda a: min(_numbers(a), default=0.0),
        "MAX": lambda a: max(_numbers(a), default=0.0),
        "AVERAGE": _fn_average,
        "COUNT": lambda a: float(sum(1 for arg in a for v in _flat(arg) if isinstance(v, float))),
        "ISNUMBER": lambda a: isinstance(_scalar(a[0]), float),
        "ISTEXT": lambda a: isinstance(_scalar(a[0]), str),
        "ISBLANK": lambda a: _scalar(a[0]) is None,
        "N": _fn_n,
        "AND": _fn_and,
        "OR": _fn_or,
        "NOT": lambda a: not bool(_number(_one(a, 0))),
        "INDEX": _fn_index,
        "MATCH": _fn_match,
        "RANK": _fn_rank,
        "LARGE": _fn_large,
        "SMALL": lambda a: _small(a),
        "SUMPRODUCT": _fn_sumproduct,
        "ROUND": lambda a: _round(_number(_one(a, 0)), int(_number(_one(a, 1))), up=False),
        "ROUNDUP": lambda a: _round(_number(_one(a, 0)), int(_number(_one(a, 1))), up=True),
        "LEFT": _fn_left,
        "LEN": lambda a: float(len(_text(_one(a, 0)))),
        "CONCATENATE": lambda a: "".join(_text(_one(a, i)) for i in range(len(a))),
        "COUNTIF": lambda a: _countif(a),
    }.items()
}


def _small(args: Sequence[Value]) -> Value:
    values = sorted(_numbers([args[0]]))
    k = math.ceil(_number(_one(args, 1)))
    if k < 1 or k > len(values):
        return NUM
    return values[k - 1]


def _countif(args: Sequence[Value]) -> Value:
    criterion = _one(args, 1)
    if isinstance(criterion, str):
        match = re.fullmatch(r"(<=|>=|<>|=|<|>)?(.*)", criterion)
        assert match is not None
        op = match.group(1) or "="
        raw = match.group(2)
        try:
            target: Scalar = float(raw)
        except ValueError:
            target = raw
    else:
        op, target = "=", criterion
    count = 0
    for v in _flat(args[0]):
        if v is None or isinstance(v, ExcelError):
            continue
        if _rank_key(v)[0] != _rank_key(target)[0]:
            continue
        if _compare(op, v, target):
            count += 1
    return float(count)


def _lazy_if(ev: Evaluator, args: list[Node], sheet: str) -> Value:
    try:
        condition = ev._scalar(args[0], sheet)
        test = bool(_number(condition)) if not isinstance(condition, str) else None
    except _Raise as exc:
        return exc.error
    if test is None:
        return VALUE
    if test:
        return ev._eval(args[1], sheet) if len(args) > 1 else True
    return ev._eval(args[2], sheet) if len(args) > 2 else False


def _lazy_iferror(ev: Evaluator, args: list[Node], sheet: str) -> Value:
    try:
        value = ev._eval(args[0], sheet)
        if isinstance(value, Area):
            value = _scalar(value)
    except _Raise as exc:
        value = exc.error
    if isinstance(value, ExcelError):
        return ev._eval(args[1], sheet)
    return value


_LAZY: dict[str, Callable[[Evaluator, list[Node], str], Value]] = {
    "IF": _lazy_if,
    "IFERROR": _lazy_iferror,
}


def evaluate_workbook(wb: Workbook) -> dict[tuple[str, str], Scalar]:
    """The computed value of every formula cell, keyed by (sheet title, coordinate)."""
    ev = Evaluator(wb)
    return {(sheet, ref): ev.value(sheet, ref) for sheet, ref in ev.formula_cells()}
