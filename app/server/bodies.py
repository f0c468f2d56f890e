"""Request body rules, declared once: each `BodyRules` both validates a body (`bind`) and states
itself in the OpenAPI document (`schema`), so changing a rule changes both.

A body is bound as 7pace's model binding does it (`parsing.bind`: names ignoring case, unknown
fields ignored but never silently meaningful), validated strictly against its pydantic model
(derived from the wire dataclass, app/server/wire_schema.py), then checked against the rules
the model's types cannot say: ranges, required or non-null fields with 7pace's error codes, "a
work item or a comment", "name at least one field", and the other API family's names. What
depends on the server's state (an unknown work item or activity type, a running work log, an
empty selection) stays with the engine and is documented there as a status of its own (404,
409).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, Protocol, TypeVar

from app.api.models import WireModel
from app.api.wire import wire_fields
from app.server.auth import OAuthError
from app.server.errors import API_VERSION_ERROR, ApiProblem
from app.server.parsing import (
    BLANKS,
    NOT_BLANK,
    bind,
    date_time_pattern,
    field_value,
    integral,
    parse_int,
    whole_number_pattern,
    with_field,
)

M = TypeVar("M", bound=WireModel)


def is_blank(text: str | None) -> bool:
    return not (text or "").strip()


@dataclass(frozen=True)
class FieldRule:
    """What one field must hold beyond its model type.

    `required`: the body must carry it, not null (else `missing_code`); `nullable=False`: when
    given it must not be null (else `missing_code`); `omissible`: the model needs a value but the
    body may leave it out or send null (the handler is told it was missing)."""

    kind: Literal["integer", "date-time"]
    minimum: int | None = None
    maximum: int | None = None
    years: tuple[int, int] | None = None  # date-time: the years accepted
    required: bool = False
    nullable: bool = True
    omissible: bool = False
    missing_code: str = API_VERSION_ERROR
    low_code: str = API_VERSION_ERROR  # below `minimum`
    what: str = ""  # how the messages name the field's meaning, e.g. "(seconds)"

    def placeholder(self) -> Any:
        """A value the model accepts, bound in place of an omitted field."""
        if self.kind == "integer":
            return self.minimum if self.minimum is not None else 0
        return f"{self.years[0] if self.years else 2000}-01-01T00:00:00"

    def schema(self) -> dict[str, Any]:
        if self.kind == "integer":
            value: dict[str, Any] = {"type": "integer"}
            if self.minimum is not None:
                value["minimum"] = self.minimum
            if self.maximum is not None:
                value["maximum"] = self.maximum
        else:
            value = {"type": "string", "pattern": date_time_pattern(self.years)}
        if self.nullable and not self.required:
            return {"anyOf": [value, {"type": "null"}]}
        return value

    def check(self, name: str, value: Any) -> None:
        """`value` as bound (None: null or absent)."""
        if value is None:
            return
        if isinstance(value, datetime):
            if self.years and not self.years[0] <= value.year <= self.years[1]:
                raise ApiProblem(
                    400,
                    API_VERSION_ERROR,
                    f"{name} {value.isoformat()} is out of range "
                    f"({self.years[0]}-{self.years[1]}).",
                )
            return
        if self.minimum is not None and value < self.minimum:
            raise ApiProblem(
                400,
                self.low_code,
                f"{name}{self.what} must be at least {self.minimum}, not {value}.",
            )
        if self.maximum is not None and value > self.maximum:
            raise ApiProblem(
                400,
                API_VERSION_ERROR,
                f"{name}{self.what} must be at most {self.maximum}, not {value}.",
            )


@dataclass(frozen=True)
class Bound(Generic[M]):
    model: M
    unknown: list[str]  # fields the API does not define, in body order
    missing: frozenset[str]  # omissible fields the body left out or sent as null
    present: frozenset[str]  # the model's fields (Python names) the body gave, in any case


@dataclass(frozen=True)
class BodyRules(Generic[M]):
    """A body's model and every stateless rule on it (see the module docstring).

    - `fields`: per-field rules (by wire name);
    - `one_of`: at least one of these must be given (an integer, or a text that is not blank),
      else 400 `one_of_code`; with `one_of_fallback` the call has a fallback for a body
      without them (startTracking: the selection) and only a body with fields the API does
      not define is refused;
    - `any_of`: at least one of these must be present (any value, null too);
    - `require_known`: a body made only of unknown fields is refused;
    - `other_names`: the other API family's name for one of this body's fields; sent without
      that field, the call is refused.
    """

    model: type[M]
    call: str
    example: str
    fields: Mapping[str, FieldRule] = field(default_factory=dict)
    one_of: tuple[str, ...] = ()
    one_of_code: str = API_VERSION_ERROR
    one_of_fallback: bool = False
    any_of: tuple[str, ...] = ()
    require_known: bool = True
    other_names: Mapping[str, str] = field(default_factory=dict)
    description: str | None = None

    # --- validation ----------------------------------------------------------------------
    def bind(self, data: Any) -> Bound[M]:
        if not isinstance(data, dict):
            raise ApiProblem(
                400, API_VERSION_ERROR, f"The body must be a JSON object such as {self.example}."
            )
        missing: set[str] = set()
        for name, rule in self.fields.items():
            value = field_value(data, name)
            if value is None and (rule.required or (_has(data, name) and not rule.nullable)):
                raise ApiProblem(
                    400,
                    rule.missing_code,
                    f"{name}{rule.what} is required, e.g. {self.example}.",
                )
            if value is None and rule.omissible:
                missing.add(name)
                data = with_field(data, name, rule.placeholder())
        model, unknown = bind(
            self.model,
            data,
            self.example,
            self.call,
            other_names=self.other_names,
            require_known=self.require_known,
        )
        values = {  # by wire name, as bound (not serialized: dates stay datetimes)
            spec.wire_name: getattr(model, spec.name) for spec in wire_fields(self.model)
        }
        for name, rule in self.fields.items():
            if name not in missing:
                rule.check(name, values.get(name))
        if self.any_of and not any(_has(data, name) for name in self.any_of):
            raise ApiProblem(
                400,
                API_VERSION_ERROR,
                f"{self.call} needs {' and/or '.join(self.any_of)}, e.g. {self.example}.",
            )
        if self.one_of and not any(_given(values.get(name)) for name in self.one_of):
            if unknown:  # name what was sent instead: the caller meant something by it
                raise ApiProblem(
                    400,
                    self.one_of_code,
                    f"{self.call} needs {' or '.join(self.one_of)}; {', '.join(unknown)} "
                    f"{'is' if len(unknown) == 1 else 'are'} not a field of this API, e.g. "
                    f"{self.example}.",
                )
            if not self.one_of_fallback:
                raise ApiProblem(
                    400,
                    self.one_of_code,
                    f"{self.call} needs {' or '.join(self.one_of)}, e.g. {self.example}.",
                )
        present = frozenset(
            spec.name for spec in wire_fields(self.model) if _has(data, spec.wire_name)
        )
        return Bound(model, unknown, frozenset(missing), present)

    # --- the document --------------------------------------------------------------------
    def schema(self, model_schema: dict[str, Any]) -> dict[str, Any]:
        """The model's schema (inline) with these rules stated in it."""
        schema = copy.deepcopy(model_schema)
        properties: dict[str, Any] = schema.setdefault("properties", {})
        required: list[str] = list(schema.get("required", []))
        for name, rule in self.fields.items():
            title = properties.get(name, {}).get("title")
            properties[name] = {**rule.schema(), **({"title": title} if title else {})}
            if rule.required and name not in required:
                required.append(name)
            if rule.omissible and name in required:
                required.remove(name)
        # Binding matches names ignoring case (Json.NET), so every rule on a name is stated for
        # any spelling of it: a field spelled otherwise holds the same kind of value, and
        # "present" means present in any case. (Each "present" keeps the exact spelling as an
        # alternative of its own, a subset that generators and readers find easily.)
        schema["patternProperties"] = {
            _any_case([name]): {k: v for k, v in value.items() if k != "title"}
            for name, value in properties.items()
        }
        schema.pop("required", None)
        all_of: list[dict[str, Any]] = [_present(name) for name in required]
        any_of: list[dict[str, Any]] = []
        if self.one_of:
            for name in self.one_of:
                given = _given_schema(properties, name)
                any_of.append({"required": [name], "properties": {name: given}})
                any_of.append({**_named(name), "patternProperties": {_any_case([name]): given}})
            if self.one_of_fallback:  # neither: only the model's own fields (any case)
                any_of.append({"propertyNames": {"pattern": _any_case(list(properties))}})
        elif self.any_of:
            any_of = [_present(name) for name in self.any_of]
        elif self.require_known:
            any_of = [{"maxProperties": 0}, *(_present(name) for name in properties)]
        if any_of:
            all_of.append({"anyOf": any_of})
        # The other family's name (any case) needs ours (any case) beside it; where ours is no
        # field of this body (workItemId to adjust), it is refused outright.
        all_of += [
            {"if": _named(other), "then": _named(ours)}
            if ours in properties
            else {"not": _named(other)}
            for other, ours in self.other_names.items()
        ]
        if all_of:
            schema["allOf"] = all_of
        if self.description:
            schema["description"] = self.description
        return schema


def _any_case(names: list[str]) -> str:
    """A pattern matching exactly these names, ignoring case (as binding matches them)."""
    spelled = (
        "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in name) for name in names
    )
    return "^(" + "|".join(spelled) + ")$"


def _named(name: str) -> dict[str, Any]:
    """An object with a field of this name in any case (JSON Schema's `required` is exact)."""
    return {"not": {"propertyNames": {"not": {"pattern": _any_case([name])}}}}


def _present(name: str) -> dict[str, Any]:
    return {"anyOf": [{"required": [name]}, _named(name)]}


def _has(data: dict[str, Any], name: str) -> bool:
    return any(key.lower() == name.lower() for key in data)


def _given(value: Any) -> bool:
    """A field counts as given: a non-null number, or a text that is not blank."""
    if isinstance(value, str):
        return not is_blank(value)
    return value is not None


def _given_schema(properties: dict[str, Any], name: str) -> dict[str, Any]:
    declared = properties.get(name, {})
    types = {declared.get("type")} | {b.get("type") for b in declared.get("anyOf", [])}
    if "string" in types:
        return {"type": "string", "pattern": NOT_BLANK}
    return {"type": "integer"}


class DeclaredBody(Protocol):
    """A body declaration the document states: `schema()` is its part of the document."""

    def schema(self) -> dict[str, Any]: ...


@dataclass
class ValueBody:
    """A body that is a bare JSON value, declared once: `parse` checks it and `schema` states
    it, so changing a bound changes both (not frozen, so a test can flip a bound in place).

    - `integer=(low, high)`: a whole number in that range, or its decimal digits as a string
      (blanks around and a leading "#" allowed: the handler strips them);
    - `text`: a JSON string of `min_length` to `max_length` characters; with `wrapped` it may
      also come as the object `{wrapped: text}`, bound with `model` (names ignoring case).
    """

    call: str
    example: str
    wrong_kind: str  # the message for a value of another kind
    integer: tuple[int, int] | None = None
    name: str = "value"  # how messages name the integer
    not_digits: str = ""  # for a string that is no number ({value}: its repr, {text}: as JSON)
    text: bool = False
    min_length: int = 0
    max_length: int | None = None
    wrapped: str | None = None
    model: type[WireModel] | None = None
    absent: str | None = None  # the message for no body (default: `wrong_kind`)

    def schema(self) -> dict[str, Any]:
        alternatives: list[dict[str, Any]] = []
        if self.integer is not None:
            low, high = self.integer
            digits = whole_number_pattern(low, high)
            alternatives += [
                {"type": "integer", "minimum": low, "maximum": high},
                {"type": "string", "pattern": f"^{BLANKS}*#?{digits}{BLANKS}*$"},
            ]
        if self.text:
            text: dict[str, Any] = {"type": "string"}
            if self.min_length:
                text["minLength"] = self.min_length
            if self.max_length is not None:
                text["maxLength"] = self.max_length
            if self.wrapped:
                alternatives.append(
                    {
                        "type": "object",
                        "properties": {self.wrapped: text},
                        "required": [self.wrapped],
                    }
                )
            alternatives.append(text)
        return alternatives[0] if len(alternatives) == 1 else {"oneOf": alternatives}

    def parse(self, value: Any) -> Any:
        """The integer or the text the body carries; a 400 saying what is wrong."""
        if self.wrapped and isinstance(value, str):  # the text itself stands for the object
            value = {self.wrapped: value}
        if value is None:
            raise ApiProblem(400, API_VERSION_ERROR, self.absent or self.wrong_kind)
        if self.integer is not None:
            return self._integer(integral(value))
        if self.wrapped and self.model is not None:
            model, _ = bind(self.model, value, self.example, self.call)
            value = getattr(model, self.wrapped)
        elif not isinstance(value, str):
            raise ApiProblem(400, API_VERSION_ERROR, self.wrong_kind)
        return self._text(value)

    def _integer(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ApiProblem(400, API_VERSION_ERROR, self.wrong_kind)
        assert self.integer is not None
        text = str(value).strip().removeprefix("#")
        if isinstance(value, str) and not text.lstrip("-").isdigit():
            raise ApiProblem(
                400,
                API_VERSION_ERROR,
                self.not_digits.format(value=repr(value), text=json.dumps(text)),
            )
        number = parse_int(text, self.name, low=self.integer[0], high=self.integer[1])
        assert number is not None
        return number

    def _text(self, value: str) -> str:
        name = self.wrapped or "The body"
        if len(value) < self.min_length:
            raise ApiProblem(
                400, API_VERSION_ERROR, f"{name} is shorter than {self.min_length} characters."
            )
        if self.max_length is not None and len(value) > self.max_length:
            raise ApiProblem(
                400, API_VERSION_ERROR, f"{name} is longer than {self.max_length} characters."
            )
        return value


@dataclass
class Grant:
    """One grant type of the /token form: the field carrying its credential."""

    secret: str  # e.g. "code"
    what: str = ""  # how messages name the credential, e.g. " (the PIN secret)"
    min_length: int = 1


@dataclass
class TokenForm:
    """The form-encoded /token body, declared once: `parse` checks a decoded form and
    `schema` is what the document states (not frozen, so a test can flip a bound in place).
    Every refusal is an OAuth error (RFC 6749 §5.2), as OWIN's token endpoint answers."""

    grants: dict[str, Grant]
    client_id: str  # the one client; the form may leave it out
    description: str

    def schema(self) -> dict[str, Any]:
        client = {"type": "string", "enum": [self.client_id]}
        return {
            "oneOf": [
                {
                    "type": "object",
                    "properties": {
                        "client_id": client,
                        "grant_type": {"type": "string", "enum": [grant_type]},
                        grant.secret: {"type": "string", "minLength": grant.min_length},
                    },
                    "required": ["grant_type", grant.secret],
                }
                for grant_type, grant in self.grants.items()
            ],
            "description": self.description,
        }

    def parse(self, form: Mapping[str, str]) -> tuple[str, str]:
        """(grant_type, its credential), or the OAuthError to answer."""
        client_id = form.get("client_id")
        if client_id is not None and client_id != self.client_id:
            raise OAuthError("invalid_client", f"client_id must be {self.client_id!r}.")
        grant_type = form.get("grant_type")
        grant = self.grants.get(grant_type or "")
        if grant_type is None or grant is None:
            raise OAuthError(
                "unsupported_grant_type",
                f"grant_type must be {' or '.join(self.grants)}, not {grant_type!r}.",
            )
        secret = form.get(grant.secret) or ""
        if not secret:
            raise OAuthError("invalid_request", f"{grant.secret}{grant.what} is required.")
        if len(secret) < grant.min_length:
            raise OAuthError(
                "invalid_request",
                f"{grant.secret}{grant.what} must be at least {grant.min_length} characters.",
            )
        return grant_type, secret
