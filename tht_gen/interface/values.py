"""Does a value suit a parameter? Heat's parameter checks (type, then constraints), without Heat.

Heat (``heat.engine.parameters`` and ``heat.engine.constraints``) reads a
value by the parameter's type, then checks the constraints on what it read:

* ``number``: a number, or a string ``int()`` or ``float()`` accepts;
* ``boolean``: a boolean, or text (of any value) that is one of ``1 t true
  on y yes`` or ``0 f false off n no``, in any case;
* ``comma_delimited_list``: a list (items become strings) or a string,
  split at commas;
* ``json``: any value that serialises to JSON, or a string of JSON;
* ``string``: anything; constraints see the value as written.

Constraints: ``length`` (strings, lists, mappings), ``range`` and ``modulo``
(numbers), ``allowed_values`` (every item, for a list), ``allowed_pattern``
(the whole string must match), ``custom_constraint`` (only ``ip_addr``,
``net_cidr`` and ``mac_addr`` can be checked without a cloud).
``tests/interface/test_values_heat.py`` compares these answers with Heat's.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

from .merge import canonical_type

TRUE_STRINGS = ("1", "t", "true", "on", "y", "yes")
FALSE_STRINGS = ("0", "f", "false", "off", "n", "no")
_MAC = re.compile(r"^[0-9a-fA-F]{2}([:-])(?:[0-9a-fA-F]{2}\1){4}[0-9a-fA-F]{2}$")


class _Invalid(Exception):
    pass


def check_value(value: Any, definition: Any) -> str | None:
    """Why Heat would reject ``value`` for a parameter defined as ``definition``; None when it accepts it."""
    if not isinstance(definition, dict):
        return None
    kind = canonical_type(definition.get("type"))
    if kind is None:
        return None
    try:
        parsed = _read(value, kind)
        constraints = definition.get("constraints")
        for constraint in constraints if isinstance(constraints, list) else []:
            if isinstance(constraint, dict):
                problem = _check_constraint(parsed, kind, constraint)
                if problem is not None:
                    text = constraint.get("description")
                    return f"{problem} ({text.strip()})" if isinstance(text, str) and text.strip() else problem
    except _Invalid as exc:
        return str(exc)
    return None


def to_number(value: Any) -> int | float:
    """Heat's reading of a number (``Schema.str_to_num``)."""
    if isinstance(value, (int, float)):
        return value
    try:
        return int(value)
    except (ValueError, TypeError):
        pass
    try:
        return float(value)
    except (ValueError, TypeError):
        raise _Invalid(f"{_show(value)} is not a number") from None


def to_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_STRINGS:
        return True
    if text in FALSE_STRINGS:
        return False
    raise _Invalid(f"{_show(value)} is not a boolean (use true or false)")


def _read(value: Any, kind: str) -> Any:
    if kind == "number":
        to_number(value)
        return value
    if kind == "boolean":
        to_boolean(value)
        return value
    if kind == "comma_delimited_list":
        if isinstance(value, list):
            return [str(item) for item in value]
        if isinstance(value, str):
            return value.split(",") if value else []
        raise _Invalid(f"{_show(value)} is not a list or a comma-separated string")
    if kind == "json":
        text = value
        if not isinstance(value, str):
            try:
                text = json.dumps(value)
            except (TypeError, ValueError) as exc:
                raise _Invalid(f"the value cannot be written as JSON: {exc}") from None
        if not text:
            return value
        try:
            return json.loads(text)
        except ValueError as exc:
            raise _Invalid(f"{_show(value)} is not JSON: {exc}") from None
    return value


def _check_constraint(value: Any, kind: str, constraint: dict[str, Any]) -> str | None:
    if "length" in constraint:
        bounds = constraint["length"] if isinstance(constraint["length"], dict) else {}
        try:
            size = len(value)
        except TypeError:
            return f"{_show(value)} has no length"
        return _outside(size, bounds, f"length {size}")
    if "range" in constraint:
        bounds = constraint["range"] if isinstance(constraint["range"], dict) else {}
        number = to_number(value)
        return _outside(number, bounds, _show(value))
    if "modulo" in constraint:
        spec = constraint["modulo"] if isinstance(constraint["modulo"], dict) else {}
        step, offset = spec.get("step"), spec.get("offset")
        if not isinstance(step, (int, float)) or not isinstance(offset, (int, float)) or not step:
            return None
        if to_number(value) % step != offset:
            return f"{_show(value)} is not a multiple of {step} with an offset of {offset}"
        return None
    if "allowed_values" in constraint:
        allowed = constraint["allowed_values"]
        if not isinstance(allowed, list):
            return None
        if isinstance(value, list):
            bad = [item for item in value if item not in allowed]
            return f"{_show(bad[0])} is not an allowed value {_show(allowed)}" if bad else None
        try:
            ok = _as_type(value, kind) in [_as_type(item, kind) for item in allowed]
        except _Invalid:
            ok = False
        return None if ok else f"{_show(value)} is not an allowed value {_show(allowed)}"
    if "allowed_pattern" in constraint:
        pattern = constraint["allowed_pattern"]
        if not isinstance(pattern, str):
            return None
        if not isinstance(value, str):
            return f"{_show(value)} is not a string, so it cannot match the pattern {pattern!r}"
        try:
            match = re.match(pattern, value)
        except re.error:
            return None
        if match is None or match.end() != len(value):
            return f"{_show(value)} does not match the pattern {pattern!r}"
        return None
    if "custom_constraint" in constraint:
        return _custom(value, constraint["custom_constraint"])
    return None


def _as_type(value: Any, kind: str) -> Any:
    """Heat's ``to_schema_type``: how allowed values and the value are compared."""
    if kind == "number":
        return to_number(value)
    if kind == "string":
        return str(value)
    if kind == "boolean":
        return to_boolean(str(value))
    return value


def _outside(value: int | float, bounds: dict[str, Any], shown: str) -> str | None:
    low, high = bounds.get("min"), bounds.get("max")
    if isinstance(low, (int, float)) and value < low:
        return f"{shown} is below the minimum {low}"
    if isinstance(high, (int, float)) and value > high:
        return f"{shown} is above the maximum {high}"
    return None


def _custom(value: Any, name: Any) -> str | None:
    if not isinstance(value, str):
        return None
    if name == "ip_addr":
        try:
            ipaddress.ip_address(value)
        except ValueError:
            return f"{_show(value)} is not an IP address"
    elif name == "net_cidr":
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            return f"{_show(value)} is not a network in CIDR notation"
        if "/" not in value:
            return f"{_show(value)} is not a network in CIDR notation (no prefix length)"
    elif name == "mac_addr" and not _MAC.match(value):
        return f"{_show(value)} is not a MAC address"
    return None


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
