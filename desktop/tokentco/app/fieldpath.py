"""Read and replace nested fields of immutable pydantic objects by a dotted path.

A knob is bound to a *field path* such as ``"workload.isl_tokens"`` or
``"serving.speculative.acceptance_rate"``; :func:`set_path` returns a new object with that
leaf replaced and every parent rebuilt and **validated** (so a bad value raises
:class:`FieldError` with a one-line message instead of silently producing an invalid
model, which ``model_copy(update=...)`` alone would do).

It lives in the Qt-free application layer: the session's edits and the GUI's knob binding
both use it, and it is tested without a QApplication.
"""

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class FieldError(ValueError):
    """A value the model rejected; ``str()`` is a one-line message for the user."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def get_path(obj: Any, path: str) -> Any:
    """The value at ``path`` (dotted attribute names) inside ``obj``."""
    value = obj
    for name in path.split("."):
        value = getattr(value, name)
    return value


def replace_field(model: M, name: str, value: Any, where: str = "") -> M:
    """``model`` with one field replaced, validated (nested model instances are reused)."""
    if name not in type(model).model_fields:
        raise FieldError(where or name, f"unknown field {name!r}")
    data = dict(model)
    data[name] = value
    try:
        return type(model).model_validate(data)
    except ValidationError as exc:
        raise FieldError(where or name, validation_message(exc)) from exc


def set_path(obj: M, path: str, value: Any, _where: str = "") -> M:
    """A copy of ``obj`` with the field at ``path`` set to ``value`` (validated at each level).

    A rejected value raises :class:`FieldError` naming the whole path (``serving.tp``), not
    just the leaf, so the message says where.
    """
    where = _where or path
    head, _, rest = path.partition(".")
    if not rest:
        return replace_field(obj, head, value, where=where)
    child = getattr(obj, head)
    if not isinstance(child, BaseModel):
        raise FieldError(where, f"{head!r} is not a group of settings")
    return replace_field(obj, head, set_path(child, rest, value, where), where=where)


def validation_message(exc: ValidationError) -> str:
    """The first error of a pydantic ValidationError as plain words (no URL, no type code)."""
    errors = exc.errors()
    if not errors:
        return str(exc)
    first = errors[0]
    msg = str(first.get("msg", "invalid value"))
    msg = msg.removeprefix("Value error, ")
    loc = ".".join(str(p) for p in first.get("loc", ()) if p != "__root__")
    return f"{loc}: {msg}" if loc else msg
