"""The server's pydantic models, derived from the wire dataclasses of app/api/models.py.

The client reads and writes those dataclasses with its own small codec (app/api/wire.py) and
never loads pydantic; the server keeps pydantic for what it earns here: strict validation of
untrusted request bodies and the OpenAPI document's schemas. Both come from this derivation,
so every shape is still declared once: names (camelCase by the same rule, or the field's
`Wire(name=...)`), defaults, and each `Wire` marker as a BeforeValidator (`parse`), a
PlainSerializer (`dump`) and a WithJsonSchema (`schema`). Request models forbid extra fields.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from typing import Annotated, Any, TypeVar, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    create_model,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticUndefined

from app.api.wire import WireModel, camel, is_model, markers, optional_args, wire_fields

M = TypeVar("M", bound=WireModel)

_DERIVED: dict[type[WireModel], type[BaseModel]] = {}
_SOURCE: dict[type[BaseModel], type[WireModel]] = {}


def pydantic_model(model: type[WireModel]) -> type[BaseModel]:
    """The pydantic model of a wire dataclass (one per class, so schema refs are shared)."""
    derived = _DERIVED.get(model)
    if derived is not None:
        return derived
    if model.wire_camel:
        config = ConfigDict(
            extra="forbid" if model.wire_forbid_extra else "allow",
            populate_by_name=True,
            alias_generator=to_camel,
            use_enum_values=False,
        )
    else:
        config = ConfigDict(
            extra="forbid" if model.wire_forbid_extra else "allow", populate_by_name=True
        )
    fields: dict[str, Any] = {}
    for spec in wire_fields(model):
        marker = markers(spec.annotation)
        if model.wire_camel and marker.name is None and to_camel(spec.name) != camel(spec.name):
            raise TypeError(f"{model.__name__}.{spec.name}: the codec and pydantic disagree")
        info: dict[str, Any] = {}
        if marker.name is not None:
            info["alias"] = marker.name
        source = spec.field
        if source.default_factory is not dataclasses.MISSING:
            factory = source.default_factory
            if is_model(factory):
                factory = pydantic_model(typing.cast(type[WireModel], factory))
            info["default_factory"] = factory
        elif source.default is not dataclasses.MISSING:
            info["default"] = source.default
        fields[spec.name] = (_annotation(spec.annotation), Field(**info))
    derived = create_model(
        model.__name__,
        __config__=config,
        __doc__=_docstring(model),
        __module__=model.__module__,
        **fields,
    )
    assert isinstance(derived, type) and issubclass(derived, BaseModel)
    _DERIVED[model] = derived
    _SOURCE[derived] = model
    return derived


def _docstring(model: type[WireModel]) -> str | None:
    """The class's own docstring (the schema's description); `dataclass` invents one from the
    signature for a class without, which is no description."""
    doc = model.__doc__
    if doc is None or doc.startswith(model.__name__ + "("):
        return None
    return inspect.cleandoc(doc)


def _annotation(hint: Any) -> Any:
    """A dataclass field's type hint in pydantic's terms (nested models derived too)."""
    if typing.get_origin(hint) is Annotated:
        base = _annotation(hint.__origin__)
        marker = markers(hint)
        extras: list[Any] = []
        if marker.parse is not None:
            extras.append(BeforeValidator(marker.parse))
        if marker.dump is not None:
            return_type: Any = marker.dump_type
            if return_type is None:
                return_type = PydanticUndefined
            extras.append(PlainSerializer(marker.dump, return_type=return_type))
        if marker.schema is not None:
            extras.append(WithJsonSchema(marker.schema))
        return Annotated[(base, *extras)] if extras else base
    members = optional_args(hint)
    if members is not None:
        derived = tuple(_annotation(member) for member in members)
        return hint if derived == members else Union[derived]  # noqa: UP007
    if typing.get_origin(hint) is list:
        (item,) = typing.get_args(hint)
        return list[_annotation(item)]  # type: ignore[misc]
    if is_model(hint):
        return pydantic_model(hint)
    return hint


def from_pydantic(model: type[M], value: BaseModel) -> M:
    """A validated pydantic instance as the wire dataclass it was derived from."""
    return model(**{spec.name: _plain(getattr(value, spec.name)) for spec in wire_fields(model)})


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return from_pydantic(_SOURCE[type(value)], value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
