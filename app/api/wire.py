"""The codec of the wire models: plain dataclasses to and from JSON data, without pydantic.

The client reads the server's answers and builds its request bodies with this (pydantic would
cost the tray about 15 MiB); the server derives its pydantic models from the same dataclasses
(app/server/wire_schema.py), so the shapes are declared once, in app/api/models.py.

- Names: snake_case in Python, camelCase on the wire, unless a field's `Wire(name=...)` says
  otherwise (or the model's `wire_camel` is False). Reading accepts the Python name too.
- A field's `Wire(parse=...)` runs on the raw value first (as a pydantic BeforeValidator),
  then the value must be of the field's type: `int` (an integral float counts: JSON does not
  tell 7.0 from 7), `float`, `str`, `bool`, an enum (by value), a nested model, `list[X]`,
  `X | None`, `Any`. `Wire(dump=...)` writes it; otherwise enums are written as their value.
- Unknown fields are ignored when reading a `WireModel` (a newer server may add some) and
  refused for a `RequestModel` (a misspelled field would be silently dropped by 7pace).
- Every failure is a `WireError` naming the field path and what was found there (its type,
  never its value: a token answer holds tokens).
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar


@dataclass(frozen=True, eq=False)  # hashed by identity: typing hashes Annotated metadata
class Wire:
    """A field's wire form beyond its Python type, declared on it: `Annotated[T, Wire(...)]`.

    `schema` (and `dump_type`, the type `dump` returns) are what the server's OpenAPI document
    states for the field; the client never reads them."""

    name: str | None = None
    parse: Callable[[Any], Any] | None = None
    dump: Callable[[Any], Any] | None = None
    dump_type: Any = None
    schema: dict[str, Any] | None = None


class WireError(ValueError):
    """A value that does not fit its model: `path` names the field (wire names, list indexes)."""

    def __init__(self, path: tuple[str | int, ...], problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{'.'.join(str(p) for p in path) or '(top)'}: {problem}")


def camel(name: str) -> str:
    """`current_track_length` -> `currentTrackLength`."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class WireModel:
    """A wire shape: subclasses are `@dataclass(frozen=True, kw_only=True)` classes."""

    wire_camel: ClassVar[bool] = True  # False: field names are the wire names (OAuth answers)
    wire_forbid_extra: ClassVar[bool] = False

    def to_wire(self) -> dict[str, Any]:
        """The JSON body as sent: wire names, unset optional fields omitted (not null)."""
        return dump(self, omit_none=True)

    @classmethod
    def from_wire(cls, data: Any) -> typing.Self:
        """Read JSON data (a dict) as this model; raises WireError."""
        return read(cls, data)


class RequestModel(WireModel):
    """A request body: only the fields the API defines, each checked as it would be read. 7pace
    ignores unknown fields, so a misspelled one (`workItemId` for `tfsId`) would be silently
    dropped: our client refuses to read or build it; the server strips such fields with a
    warning before it validates (app/server/parsing.py `bind`)."""

    wire_forbid_extra: ClassVar[bool] = True

    def __post_init__(self) -> None:
        # Checked when built, too (as they are when read): a body we send must be well-formed.
        for spec in wire_fields(type(self)):
            value = getattr(self, spec.name)
            checked = read_value(spec.annotation, value, (spec.wire_name,))
            if checked is not value:
                object.__setattr__(self, spec.name, checked)  # frozen: set once, while building


# --- field plans -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WireField:
    """One field of a model as the codec (and the server's derivation) sees it."""

    name: str  # Python
    wire_name: str
    annotation: Any  # the resolved type hint, `Annotated[...]` included
    required: bool
    field: dataclasses.Field[Any]


_FIELDS: dict[type, tuple[WireField, ...]] = {}


def wire_fields(model: type[WireModel]) -> tuple[WireField, ...]:
    """The model's fields in declaration order, with their wire names and resolved types."""
    found = _FIELDS.get(model)
    if found is None:
        hints = typing.get_type_hints(model, include_extras=True)
        plan = []
        for item in dataclasses.fields(model):  # type: ignore[arg-type]
            hint = hints[item.name]
            marker = markers(hint)
            wire_name = marker.name or (camel(item.name) if model.wire_camel else item.name)
            required = (
                item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
            )
            plan.append(WireField(item.name, wire_name, hint, required, item))
        found = _FIELDS[model] = tuple(plan)
    return found


def markers(annotation: Any) -> Wire:
    """The `Wire` markers on an annotation, merged (later ones win where they say something)."""
    merged = Wire()
    if typing.get_origin(annotation) is typing.Annotated:
        for extra in annotation.__metadata__:
            if isinstance(extra, Wire):
                merged = dataclasses.replace(
                    merged,
                    **{k: v for k, v in dataclasses.asdict(extra).items() if v is not None},
                )
    return merged


def is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, WireModel) and dataclasses.is_dataclass(kind)


def optional_args(annotation: Any) -> tuple[Any, ...] | None:
    """The members of a union (`X | None`), or None for anything else."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return typing.get_args(annotation)
    return None


# --- reading ---------------------------------------------------------------------------------

M = TypeVar("M", bound=WireModel)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def read(model: type[M], data: Any, path: tuple[str | int, ...] = ()) -> M:
    """`data` (a dict, or already an instance) as `model`; raises WireError."""
    if isinstance(data, model):
        return data
    if not isinstance(data, dict):
        raise WireError(path, f"expected an object ({model.__name__}), found {_kind(data)}")
    plan = wire_fields(model)
    if model.wire_forbid_extra:  # first: a misspelled field is why a required one is missing
        known = {spec.wire_name for spec in plan} | {spec.name for spec in plan}
        extra = [key for key in data if key not in known]
        if extra:
            raise WireError(
                (*path, str(extra[0])), f"not a field of {model.__name__} (extra inputs refused)"
            )
    values: dict[str, Any] = {}
    for spec in plan:
        if spec.wire_name in data:
            raw = data[spec.wire_name]
        elif spec.name in data:
            raw = data[spec.name]
        else:
            if spec.required:
                raise WireError((*path, spec.wire_name), "required, missing")
            continue
        values[spec.name] = read_value(spec.annotation, raw, (*path, spec.wire_name))
    return model(**values)


def read_value(annotation: Any, raw: Any, path: tuple[str | int, ...]) -> Any:
    """One value as `annotation` (see the module docstring for what each type accepts)."""
    if typing.get_origin(annotation) is typing.Annotated:
        marker = markers(annotation)
        if marker.parse is not None:
            try:
                raw = marker.parse(raw)
            except WireError:
                raise
            except (ValueError, TypeError, OverflowError) as exc:
                raise WireError(path, str(exc) or type(exc).__name__) from None
        return read_value(annotation.__origin__, raw, path)
    members = optional_args(annotation)
    if members is not None:
        if raw is None and type(None) in members:
            return None
        choices = [m for m in members if m is not type(None)]
        if len(choices) == 1:
            return read_value(choices[0], raw, path)
        errors = []
        for choice in choices:
            try:
                return read_value(choice, raw, path)
            except WireError as exc:
                errors.append(exc.problem)
        raise WireError(path, "; ".join(errors))
    if annotation is Any:
        return raw
    if typing.get_origin(annotation) is list:
        if not isinstance(raw, list):
            raise WireError(path, f"expected a list, found {_kind(raw)}")
        (item,) = typing.get_args(annotation)
        return [read_value(item, value, (*path, i)) for i, value in enumerate(raw)]
    if is_model(annotation):
        return read(annotation, raw, path)
    return _scalar(annotation, raw, path)


def _scalar(kind: Any, raw: Any, path: tuple[str | int, ...]) -> Any:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
    elif kind is int:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
    elif kind is float:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
    elif kind is str:
        if isinstance(raw, str):
            return raw
    elif kind is datetime:
        if isinstance(raw, datetime):
            return raw
    elif isinstance(kind, type) and issubclass(kind, enum.Enum):
        if isinstance(raw, kind):
            return raw
        if not isinstance(raw, bool):
            try:
                return kind(raw)
            except ValueError:
                raise WireError(path, f"not a {kind.__name__} ({_kind(raw)})") from None
    else:  # pragma: no cover - a model declared a type the codec does not know
        raise TypeError(f"the wire codec cannot read {kind!r}")
    name = getattr(kind, "__name__", str(kind))
    raise WireError(path, f"expected {name}, found {_kind(raw)}")


# --- writing ---------------------------------------------------------------------------------


def dump(model: WireModel, *, omit_none: bool = False) -> dict[str, Any]:
    """The model as JSON data under its wire names; `omit_none` leaves out None fields (also
    in nested models), else they are written as null."""
    out: dict[str, Any] = {}
    for spec in wire_fields(type(model)):
        value = getattr(model, spec.name)
        if value is None and omit_none:
            continue
        out[spec.wire_name] = dump_value(spec.annotation, value, omit_none)
    return out


def dump_value(annotation: Any, value: Any, omit_none: bool) -> Any:
    while True:  # peel `Annotated[...]` (its `Wire.dump` writes the value) and `X | None`
        if typing.get_origin(annotation) is typing.Annotated:
            marker = markers(annotation)
            if marker.dump is not None:
                return marker.dump(value)
            annotation = annotation.__origin__
            continue
        members = optional_args(annotation)
        if members is None:
            break
        if value is None:
            return None
        choices = [m for m in members if m is not type(None)]
        annotation = choices[0] if len(choices) == 1 else Any
    if value is None:
        return None
    if isinstance(value, WireModel):
        return dump(value, omit_none=omit_none)
    if isinstance(value, list):
        (item,) = typing.get_args(annotation) or (Any,)
        return [dump_value(item, v, omit_none) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value
