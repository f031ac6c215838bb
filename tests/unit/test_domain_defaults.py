"""Every default of every domain model is already what validation makes of it, so the
models need not validate their defaults again at each construction (``Frozen`` sets
``validate_default=False``: about a quarter of an Offer's validation, which a 100,000-row
import does 100,000 times). A default that validation would change or refuse fails here."""

import importlib
import pkgutil
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

import tokentco
from tokentco.domain.base import Frozen


def _all_models() -> list[type[Frozen]]:
    for info in pkgutil.walk_packages(tokentco.__path__, "tokentco."):
        if ".ui" not in info.name and not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    found: list[type[Frozen]] = []
    pending = list(Frozen.__subclasses__())
    while pending:
        model = pending.pop()
        found.append(model)
        pending.extend(model.__subclasses__())
    return sorted(set(found), key=lambda m: (m.__module__, m.__qualname__))


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same type all the way down (1 and 1.0 are not the same)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple | frozenset | set):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, BaseModel):
        return a is b or _same(dict(a), dict(b))
    return bool(a == b)


def _validated(model: type[Frozen], name: str, field: FieldInfo, value: Any) -> Any:
    annotated = (
        Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    )
    value = TypeAdapter(annotated).validate_python(value)
    for decorator in model.__pydantic_decorators__.field_validators.values():
        if name in decorator.info.fields:
            assert decorator.info.mode == "after", "a before/wrap validator needs its own check"
            value = decorator.func(value)
    return value


MODELS = _all_models()


def test_the_models_are_found() -> None:
    names = {m.__name__ for m in MODELS}
    assert {"Offer", "Accelerator", "Project", "ServingOptions", "ExchangeRates"} <= names
    assert Frozen.model_config.get("validate_default") is False


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__qualname__)
def test_defaults_are_what_validation_makes_of_them(model: type[Frozen]) -> None:
    for name, field in model.model_fields.items():
        if field.is_required():
            continue
        default = field.default_factory() if field.default_factory else field.default  # type: ignore[call-arg]
        assert _same(_validated(model, name, field, default), default), (model, name, default)
