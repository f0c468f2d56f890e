"""Request parsing with clear 400s: query/path parameters, JSON bodies, strict model checks."""

from __future__ import annotations

import calendar
import json
import logging
import re
import sys
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import ValidationError
from starlette.requests import Request

from app.api.models import API_VERSION, WireModel, parse_wire_datetime
from app.api.wire import wire_fields
from app.server.errors import bad_request
from app.server.wire_schema import from_pydantic, pydantic_model

log = logging.getLogger("app.server")
MAX_BODY = 1 << 20
M = TypeVar("M", bound=WireModel)
# Leading zeros do not count towards the 18 digits; 0-9 only (int() reads other scripts' digits).
_INT = re.compile(r"(-?)0*(\d{1,18})", re.ASCII)
# What `parse_bool` accepts, exactly (the OpenAPI document states this pattern).
BOOL_PATTERN = "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|0|1)$"
_BOOL = re.compile(BOOL_PATTERN)


# What `str.strip()` removes: a text made only of these is blank. The document's patterns are
# built from the same set, so both judge alike (JSON Schema's `\s` is not Python's).
BLANK = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
BLANKS = "[" + "".join(f"\\u{ord(c):04x}" for c in BLANK) + "]"
NOT_BLANK = "[^" + BLANKS[1:]


def digits_between(low: str, high: str) -> str:
    """A regex for the decimal strings of one width from `low` to `high` (inclusive)."""
    if not low:
        return ""
    if low[0] == high[0]:
        return low[0] + digits_between(low[1:], high[1:])
    rest = len(low) - 1
    parts = [low[0] + digits_between(low[1:], "9" * rest)]
    if int(high[0]) - int(low[0]) > 1:
        parts.append(f"[{int(low[0]) + 1}-{int(high[0]) - 1}]" + "[0-9]" * rest)
    parts.append(high[0] + digits_between("0" * rest, high[1:]))
    return "(" + "|".join(parts) + ")"


def whole_number_pattern(low: int, high: int) -> str:
    """A regex for the decimal text of a whole number from `low` >= 1 to `high`, with leading
    zeros allowed (as `parse_int` reads it)."""
    alternatives = []
    for width in range(len(str(low)), len(str(high)) + 1):
        first, last = max(low, 10 ** (width - 1)), min(high, 10**width - 1)
        alternatives.append(digits_between(str(first), str(last)))
    return "0*(" + "|".join(alternatives) + ")"


_LEAP_YY = "(0[48]|[2468][048]|[13579][26])"  # two-digit multiples of 4, 00 excluded


def _leap_years(years: tuple[int, int] | None) -> str:
    if years is None:
        return f"([0-9]{{2}}{_LEAP_YY}|{_LEAP_YY}00)"
    parts = []
    for century in range(years[0] // 100, years[1] // 100 + 1):
        first, last = max(years[0], century * 100), min(years[1], century * 100 + 99)
        if (first, last) == (century * 100 + 1, century * 100 + 99) or (first, last) == (
            century * 100,
            century * 100 + 99,
        ):
            parts.append(f"{century:02d}{_LEAP_YY}")
            if first == century * 100 and calendar.isleap(first):
                parts.append(f"{century:02d}00")
        else:
            parts += [f"{y:04d}" for y in range(first, last + 1) if calendar.isleap(y)]
    return "(" + "|".join(parts) + ")"


def date_time_pattern(years: tuple[int, int] | None = None) -> str:
    """Exactly what `parse_wire_datetime` (then `datetime`) accepts, as a JSON Schema pattern:
    a calendar date (years within `years`), T or a space, hh:mm[:ss], up to 9 fraction digits
    after . or , and an optional offset under 24 h (Z, +hh:mm, +hhmm), blanks around. JSON
    Schema's `format: date-time` is RFC 3339, which needs the offset this API leaves out."""
    year = (
        digits_between(f"{years[0]:04d}", f"{years[1]:04d}")
        if years
        else "([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
    )
    days = (
        "((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
        "|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
        "|02-(0[1-9]|1[0-9]|2[0-8]))"
    )
    date = f"({year}-{days}|{_leap_years(years)}-02-29)"
    time = "([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?([.,][0-9]{1,9})?"
    offset = "(Z|z|[+-](([01][0-9]|2[0-2]):?[0-9]{2}|23:?[0-5][0-9]))?"
    return f"^{BLANKS}*{date}[T ]{time}{offset}{BLANKS}*$"


DATE_TIME_PATTERN = date_time_pattern()


def check_api_version(request: Request) -> None:
    versions = request.query_params.getlist("api-version")
    if not versions:
        raise bad_request(
            f"api-version is missing: add ?api-version={API_VERSION} to the request URL."
        )
    if any(v.strip() != API_VERSION for v in versions):
        shown = ", ".join(repr(v) for v in versions)
        raise bad_request(
            f"api-version {shown} is not supported: this server speaks api-version={API_VERSION}."
        )


def param(request: Request, path_name: str, *query_names: str) -> str | None:
    """A parameter given in path form (`current/{expand}`) or query form (`?$expand=`)."""
    if path_name in request.path_params:
        return str(request.path_params[path_name])
    for name in query_names:
        values = request.query_params.getlist(name)
        if values:
            return values[-1]
    return None


def parse_int(value: str | None, name: str, *, low: int, high: int) -> int | None:
    if value is None:
        return None
    # Exactly an integer as the OpenAPI document states it: no blanks, no "+", no decimals.
    match = _INT.fullmatch(value)
    if match is None:
        raise bad_request(f"{name} must be a whole number from {low} to {high}, not {value!r}.")
    number = int(match[1] + match[2])
    if not low <= number <= high:
        raise bad_request(f"{name} must be from {low} to {high}, not {number}.")
    return number


def parse_bool(value: str | None, name: str) -> bool | None:
    if value is None:
        return None
    if not _BOOL.fullmatch(value):
        raise bad_request(f"{name} must be true or false, not {value!r}.")
    return value.lower() in ("true", "1")


def parse_date(value: str | None, name: str) -> Any:
    if value is None:
        return None
    try:
        moment = parse_wire_datetime(value)
    except (ValueError, OverflowError):
        raise bad_request(
            f"{name} must be an ISO-8601 date such as 2026-09-29T08:00:00, not {value!r}."
        ) from None
    # A filter bound: any date-time the document allows is valid; outside the years the
    # store holds it means "from the beginning" / "to the end".
    if moment.year < 1971:
        return moment.replace(year=1971, month=1, day=1)
    if moment.year > 2999:
        return moment.replace(year=2999, month=12, day=31)
    return moment


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


async def json_body(request: Request, *, required: bool, example: str) -> Any:
    """The decoded JSON body; `None` for an empty body unless `required`."""
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise bad_request(f"The request body is larger than {MAX_BODY} bytes.")
    if not raw.strip():
        if required:
            raise bad_request(f"This call needs a JSON body, for example {example}.")
        return None
    try:
        # Lone surrogates (`"\ud800"`) are valid JSON but cannot be stored or echoed as
        # UTF-8: each becomes U+FFFD, as a lenient decoder would make of it.
        data = _no_lone_surrogates(json.loads(raw, parse_constant=_reject_constant))
    except (ValueError, RecursionError, UnicodeError) as exc:
        raise bad_request(
            f"The request body is not valid JSON ({_short(exc)}); send e.g. {example}."
        ) from None
    return data


def _no_lone_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in value)
        return value
    if isinstance(value, list):
        return [_no_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_no_lone_surrogates(k): _no_lone_surrogates(v) for k, v in value.items()}
    return value


def integral(value: Any) -> Any:
    """A float with no fraction as the int it is: JSON (and JSON Schema's `integer`) does not
    tell 7287.0 from 7287, and 7pace's binder takes both for an int field."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def validate(model: type[M], data: Any, example: str) -> M:
    """Strict validation: `"12"` is not a work item id and `1.5` not a time zone."""
    if not isinstance(data, dict):
        raise bad_request(f"The body must be a JSON object such as {example}.")
    try:
        checked = pydantic_model(model).model_validate(
            {k: integral(v) for k, v in data.items()}, strict=True
        )
    except ValidationError as exc:
        problems = []
        for error in exc.errors()[:3]:
            where = ".".join(str(part) for part in error["loc"]) or "body"
            problems.append(f"{where}: {error['msg']}")
        raise bad_request(
            "The body has fields of the wrong type (" + "; ".join(problems) + f"); e.g. {example}."
        ) from None
    return from_pydantic(model, checked)


def field_value(data: Any, name: str) -> Any:
    """A body field's value as `bind` will see it (names match ignoring case); None if absent."""
    if not isinstance(data, dict):
        return None
    found = None
    for key, value in data.items():
        if key.lower() == name.lower():
            found = value  # the last one wins, as in `bind`
    return found


def with_field(data: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    """`data` with the field `name` (any case) replaced by `value`."""
    return {**{k: v for k, v in data.items() if k.lower() != name.lower()}, name: value}


_warned: set[tuple[str, str]] = set()  # (call, field): one warning per unknown name per process


MAX_WARNED = 1000  # a peer sending ever new names must not grow memory or the log without end


def _warn_unknown(call: str, name: str, defined: list[str]) -> None:
    name = name[:80]
    if (call, name) in _warned or len(_warned) > MAX_WARNED:
        return
    _warned.add((call, name))
    if len(_warned) > MAX_WARNED:
        log.warning("more than %d unknown body fields seen: no longer logging them", MAX_WARNED)
        return
    log.warning(
        "%s: ignored the body field %r, which the API does not define (it takes %s)",
        call,
        name,
        ", ".join(defined),
    )


def bind(
    model: type[M],
    data: Any,
    example: str,
    call: str,
    *,
    other_names: Mapping[str, str] | None = None,
    require_known: bool = True,
) -> tuple[M, list[str]]:
    """Binds a JSON object to `model` as 7pace's model binding does, then validates strictly.

    Field names match case-insensitively (Json.NET); unknown fields are dropped, each logged as
    a warning once per call and name. They are never silently meaningful, though: a name the
    other API family uses for a field of this body (`other_names`, e.g. `comment` for `remark`)
    while that field is absent, or (`require_known`) a body of unknown fields only, is a 400.
    Returns the model and the unknown names, in body order.
    """
    if not isinstance(data, dict):
        raise bad_request(f"The body must be a JSON object such as {example}.")
    aliases = [spec.wire_name for spec in wire_fields(model)]
    by_lower = {alias.lower(): alias for alias in aliases}
    known: dict[str, Any] = {}
    unknown: list[str] = []
    for key, value in data.items():
        alias = by_lower.get(key.lower())
        if alias is None:
            unknown.append(key)
        else:
            known[alias] = value
    for name in unknown:
        _warn_unknown(call, name, aliases)
    others = {key.lower(): meant for key, meant in (other_names or {}).items()}
    for name in unknown:
        meant = others.get(name.lower())
        if meant is not None and meant not in known:
            raise bad_request(
                f"{name} is not a field of {call}: this API calls it {meant}, e.g. {example}."
            )
    if require_known and unknown and not known:
        shown = ", ".join(unknown)
        raise bad_request(
            f"{call} defines none of the body's fields ({shown}); it takes "
            f"{', '.join(aliases)}, e.g. {example}."
        )
    return validate(model, known, example), unknown
