"""JSON Schemas (Draft 2020-12) for the files operators and template authors edit.

The schemas are package data (``tht_gen/schemas/*.schema.json``): the lint
rules validate with them, and ``tht-gen schema export DIR`` writes them for
editors' YAML language servers. :func:`validate` turns validation errors into
path-based findings with messages a person can act on; the caller turns paths
into line and column.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema
    from jsonschema.exceptions import ValidationError

from ..diagnostics import PathElement

DocPath = tuple[PathElement, ...]

# name -> what it describes
SCHEMAS: dict[str, str] = {
    "roles_data": "TripleO roles data (roles_data.yaml, roles/*.yaml)",
    "network_data": "TripleO network data (network_data.yaml), flat form or with subnets",
    "vip_data": "TripleO VIP data (vip_data.yaml)",
    "environment": "Heat environment files",
    "hot_template": "Heat Orchestration Templates, top level",
    "service_template": "composable service templates: the role_data output contract",
    "params": "the output of tht-gen params --format json (for user interfaces)",
}


def schema_file_name(name: str) -> str:
    return f"{name}.schema.json"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A shipped schema by name (see :data:`SCHEMAS`). Raises KeyError for an unknown name."""
    if name not in SCHEMAS:
        raise KeyError(f"unknown schema {name!r} (known: {', '.join(SCHEMAS)})")
    text = resources.files(__package__).joinpath(schema_file_name(name)).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(name: str, within: DocPath = ()) -> jsonschema.protocols.Validator:
    # Imported on first use: jsonschema takes longer to import than a whole
    # cached lint of a small tree, and most runs never validate a schema.
    import jsonschema

    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    if within:
        part: dict[str, Any] = schema
        for key in within:
            part = part["properties"][key]
        # The part's own schema, with the definitions its references point to.
        schema = {**part, **{k: schema[k] for k in ("$schema", "$defs") if k in schema}}
    return cls(schema)


@dataclass(frozen=True)
class SchemaFinding:
    path: DocPath
    message: str
    hint: str | None = None
    prefer: str = "value"


# What one item of a list-shaped document is called in messages.
_ITEM_WORDS = {"roles_data": "role", "network_data": "network", "vip_data": "VIP"}


def validate(data: Any, name: str, within: DocPath = ()) -> list[SchemaFinding]:
    """Every way ``data`` (a loaded YAML document) breaks schema ``name``, in document order.

    ``within`` (keys of mappings) checks only the value at that path against the
    part of the schema that describes it, when only that part's findings matter:
    the rest of a large document is then not walked at all.
    """
    findings: list[SchemaFinding] = []
    seen: set[tuple[DocPath, str]] = set()
    namer = _Namer(data, _ITEM_WORDS.get(name, "item"))
    part = data
    for step in within:
        if not isinstance(part, dict) or step not in part:
            return findings
        part = part[step]
    errors = _validator(name, tuple(within)).iter_errors(part)
    for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        for finding in _findings(error, namer, tuple(within)):
            key = (finding.path, finding.message)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    return findings


_TYPE_WORDS = {
    "object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
    "number": "a number", "boolean": "true or false", "null": "empty",
}


def _type_of(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value}"
    text = repr(value)
    return f"the string {text if len(text) <= 40 else text[:37] + '...'}"


def _expected(types: Any) -> str:
    if isinstance(types, str):
        types = [types]
    words = [_TYPE_WORDS.get(t, t) for t in types if t != "null"]
    return " or ".join(words) or "empty"


class _Namer:
    """How a message names the value at a path: an entry of the top-level list by its
    ``name`` (``role 'Compute'``), a subnet by its key, anything else by its key with the
    list indexes after it (``ServicesDefault[3]``)."""

    def __init__(self, data: Any, item_word: str) -> None:
        self.data = data
        self.item_word = item_word

    def __call__(self, path: DocPath) -> str:
        if not path:
            return "the document"
        if len(path) == 1 and isinstance(path[0], int):
            item = self.data[path[0]] if isinstance(self.data, list) and path[0] < len(self.data) else None
            label = item.get("name") if isinstance(item, dict) else None
            if isinstance(label, str):
                return f"{self.item_word} {label!r}"
            return f"{self.item_word} number {path[0] + 1}"
        if len(path) == 3 and path[1] == "subnets":
            return f"subnet {path[2]!r}"
        tail = ""
        for element in reversed(path):
            if isinstance(element, int):
                tail = f"[{element}]" + tail
            else:
                return f"{element}{tail}"
        return f"item {tail}"  # pragma: no cover - paths start with a key or an index


def _findings(error: ValidationError, _name: _Namer, within: DocPath = ()) -> Iterator[SchemaFinding]:
    from jsonschema.exceptions import best_match

    path: DocPath = (*within, *error.absolute_path)
    validator = error.validator
    # jsonschema types these as "maybe unset"; for an error raised by a keyword they are set.
    schema: Any = error.schema
    expected: Any = error.validator_value
    if validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(schema.get("properties", {}))
        patterns = list(schema.get("patternProperties", {}))


        for key in error.instance:
            if key in allowed or any(re.search(p, str(key)) for p in patterns):
                continue
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.7)
            hint = f"did you mean {close[0]!r}?" if close else (
                f"known keys: {', '.join(sorted(allowed))}" if len(allowed) <= 12 else None)
            yield SchemaFinding((*path, key), f"unknown key {key!r} in {_name(path)}", hint, "key")
        return
    if validator == "required":
        missing = [k for k in expected if isinstance(error.instance, dict)
                   and k not in error.instance]
        for key in missing:
            yield SchemaFinding(path, f"{_name(path)} has no {key!r}", prefer="key")
        return
    if validator == "type":
        yield SchemaFinding(path, f"{_name(path)} must be {_expected(expected)}, "
                            f"not {_type_of(error.instance)}")
        return
    if validator in ("anyOf", "oneOf") and error.context:
        branches: dict[int, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
        types = [s.get("type") for s in expected if isinstance(s, dict)]
        deeper = [e for e in error.context if len(e.absolute_path) > len(error.absolute_path)]
        if deeper:
            # A branch that matched the value's shape failed further in: report what failed there.
            chosen = int(best_match(deeper).relative_schema_path[0])
        elif all(types) and all(isinstance(t, str) for t in types):
            yield SchemaFinding(path, f"{_name(path)} must be {_expected(types)}, "
                                f"not {_type_of(error.instance)}")
            return
        elif all("required" in s for s in expected if isinstance(s, dict)):
            needed = " or ".join(repr(s["required"][0]) for s in expected)
            yield SchemaFinding(path, f"{_name(path)} needs {needed}", prefer="key")
            return
        else:
            # The schemas list the main shape first and alternatives (an intrinsic function
            # call) after it: what the value fails of the main shape is what to read.
            chosen = 0 if 0 in branches else int(best_match(error.context).relative_schema_path[0])
        for sub in branches[chosen]:
            yield from _findings(sub, _name, within)
        return
    if validator == "enum":
        options = ", ".join("empty" if v is None else str(v) for v in expected)
        yield SchemaFinding(path, f"{_name(path)} is {_type_of(error.instance)}; expected one of "
                            f"{options}")
        return
    if validator == "pattern":
        yield SchemaFinding(path, f"{_name(path)} is {_type_of(error.instance)}, which does not "
                            f"match {expected}",
                            hint=schema.get("description"))
        return
    if validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = {"minimum": "less than", "maximum": "more than", "exclusiveMinimum": "at most",
                "exclusiveMaximum": "at least"}[str(validator)]
        yield SchemaFinding(path, f"{_name(path)} is {error.instance}, {word} "
                            f"{expected}")
        return
    if validator == "minLength":
        yield SchemaFinding(path, f"{_name(path)} must not be empty")
        return
    if validator in ("minProperties", "maxProperties", "propertyNames"):
        yield SchemaFinding(path, f"{_name(path)} is not a single intrinsic function call "
                            f"({error.message})", prefer="key")
        return
    yield SchemaFinding(path, f"{_name(path)}: {error.message}")


def export(directory: str | os.PathLike[str]) -> list[Path]:
    """Write every schema into ``directory`` (created if needed); return the files written.

    Files are written whole (temporary file, then rename), so an editor never
    reads half a schema.
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in SCHEMAS:
        target = root / schema_file_name(name)
        text = json.dumps(load_schema(name), indent=2) + "\n"
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            written.append(target)
            continue
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
        written.append(target)
    return written


# The lint rule that reports each schema's findings (tht_gen/lint/rules/schema.py).
RULE_IDS: dict[str, str] = {
    "roles_data": "S101",
    "network_data": "S102",
    "environment": "S103",
    "hot_template": "S104",
    "service_template": "S105",
    "vip_data": "S106",
}
