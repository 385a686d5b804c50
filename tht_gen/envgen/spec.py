"""The description files of ``tht-gen env generate``: read, checked, located.

A description file (``environments/generator/*.yaml``) lists environment
files to generate; see :mod:`tht_gen.envgen` for the format. Every problem
comes back as a diagnostic with the description file's line and column.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic, Location, PathElement, Severity
from ..interface.metadata import PURPOSES
from ..yamlio import Document, YamlSyntaxError, load_document

GENERATOR_DIR = "environments/generator"

# Rule ids of the generator's findings (G: generated environments).
BAD_FILE = "G001"          # not YAML, or not the expected shape
UNKNOWN_KEY = "G002"       # a key the format does not have
BAD_VALUE = "G003"         # a key with a value of the wrong kind, or a required key missing
BAD_OUTPUT = "G004"        # an output path outside the tree, not a plain .yaml, or described twice
BAD_REGISTRY = "G005"      # a registry target that does not exist, or a key that is not a type name
UNDECLARED = "G006"        # a parameter no template of the tree declares
REJECTED_VALUE = "G007"    # a value the parameter's type or constraints reject
SECRET_VALUE = "G008"      # a value for a hidden parameter: secrets are never written
NO_DEFAULT = "G009"        # template_default for a parameter without a default
NO_MATCH = "G010"          # a templates pattern that matches no template

ENVIRONMENT_KEYS = ("file", "title", "description", "purpose", "resource_registry", "templates",
                    "parameters", "required")
PARAMETER_KEYS = ("value", "template_default", "note")
_TYPE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*(::[A-Za-z0-9_*]+)+$")


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    value: Any = None
    template_default: bool = False  # write the template's default instead of ``value``
    note: str | None = None
    path: tuple[PathElement, ...] = ()
    long_form: bool = False  # written as a mapping (value, template_default, note)


@dataclass(frozen=True)
class EnvironmentSpec:
    """One environment file to generate, as its description file says."""

    source: str           # the description file, relative to the tree
    index: int            # its position in the description file
    file: str             # the output, relative to the tree
    title: str
    description: str
    purpose: str | None
    registry: tuple[tuple[str, str], ...]   # (type, target relative to the tree, or a type name)
    templates: tuple[str, ...]              # patterns of the templates documented first
    parameters: tuple[ParameterSpec, ...]
    required: tuple[str, ...]

    @property
    def path(self) -> tuple[PathElement, ...]:
        return ("environments", self.index)


@dataclass
class DescriptionFile:
    source: str
    document: Document | None
    environments: list[EnvironmentSpec] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def locate(self, path: tuple[PathElement, ...], prefer: str = "key") -> Location:
        if self.document is None:
            return Location(self.source, 1, 1, path=path)
        mark = self.document.locate(path, prefer)
        return Location(self.source, mark.line, mark.column, path=path)

    def report(self, rule: str, path: tuple[PathElement, ...], message: str, hint: str | None = None,
               prefer: str = "key", severity: Severity = Severity.ERROR) -> None:
        self.diagnostics.append(Diagnostic(self.locate(path, prefer), rule, severity, message, hint=hint))


def parse_description(text: str, source: str) -> DescriptionFile:
    """The environments a description file describes, and what is wrong with it."""
    try:
        document = load_document(text)
    except YamlSyntaxError as exc:
        result = DescriptionFile(source, None)
        result.diagnostics.append(Diagnostic(Location(source, exc.line, exc.column), BAD_FILE, Severity.ERROR,
                                             f"not valid YAML: {exc.message}"))
        return result
    result = DescriptionFile(source, document)
    for duplicate in document.duplicates:
        mark = duplicate.duplicate
        result.diagnostics.append(Diagnostic(Location(source, mark.line, mark.column), BAD_FILE, Severity.ERROR,
                                             f"duplicate key {duplicate.key!r} (the first value would be lost)"))
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("environments"), list):
        result.report(BAD_FILE, (), "a description file is a mapping with an 'environments' list",
                      hint="environments: [{file: environments/x.yaml, title: ..., description: ...}]")
        return result
    for key in data:
        if key != "environments":
            result.report(UNKNOWN_KEY, (key,), f"unknown key {key!r}", hint="the only key is 'environments'")
    for index, item in enumerate(data["environments"]):
        spec = _environment(result, index, item)
        if spec is not None:
            result.environments.append(spec)
    return result


def _environment(result: DescriptionFile, index: int, item: Any) -> EnvironmentSpec | None:
    at: tuple[PathElement, ...] = ("environments", index)
    if not isinstance(item, dict):
        result.report(BAD_VALUE, at, "each environment is a mapping (file, title, description ...)", prefer="value")
        return None
    errors = len(result.diagnostics)
    _unknown_keys(result, at, item, ENVIRONMENT_KEYS)
    for key in ("file", "title", "description"):
        if key not in item:
            result.report(BAD_VALUE, at, f"missing '{key}'")
    file = _text(result, at, item, "file")
    title = _text(result, at, item, "title")
    description = _text(result, at, item, "description")
    if title is not None and "\n" in title.strip():
        result.report(BAD_VALUE, (*at, "title"), "the title is one line", prefer="value")
    purpose = _text(result, at, item, "purpose")
    if purpose is not None and purpose not in PURPOSES:
        result.report(BAD_VALUE, (*at, "purpose"), f"unknown purpose {purpose!r}", prefer="value",
                      hint="one of: " + ", ".join(PURPOSES))
    if file is not None:
        _check_output(result, (*at, "file"), file)
    registry = _registry(result, at, item.get("resource_registry"))
    templates = _strings(result, (*at, "templates"), item.get("templates"))
    required = _strings(result, (*at, "required"), item.get("required"))
    for position, name in enumerate(required):
        if not _is_name(name):
            result.report(BAD_VALUE, (*at, "required", position), f"{name!r} is not a parameter name", prefer="value")
    parameters = _parameters(result, at, item.get("parameters"))
    if len(result.diagnostics) > errors or file is None or title is None or description is None:
        return None
    return EnvironmentSpec(result.source, index, posixpath.normpath(file), title.strip(), description.strip("\n"),
                           purpose, registry, templates, parameters, required)


def _unknown_keys(result: DescriptionFile, at: tuple[PathElement, ...], item: Mapping[Any, Any],
                  known: tuple[str, ...]) -> None:
    for key in item:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            result.report(UNKNOWN_KEY, (*at, key), f"unknown key {key!r}",
                          hint=f"did you mean {close[0]!r}?" if close else "keys: " + ", ".join(known))


def _text(result: DescriptionFile, at: tuple[PathElement, ...], item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        result.report(BAD_VALUE, (*at, key), f"'{key}' must be non-empty text", prefer="value")
        return None
    return value


def _strings(result: DescriptionFile, at: tuple[PathElement, ...], value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        result.report(BAD_VALUE, at, f"'{at[-1]}' must be a list of names", prefer="value")
        return ()
    return tuple(value)


def _is_name(name: str) -> bool:
    return re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name) is not None


def _check_output(result: DescriptionFile, at: tuple[PathElement, ...], file: str) -> None:
    normal = posixpath.normpath(file)
    if file.startswith("/") or normal == ".." or normal.startswith("../") or "\\" in file:
        result.report(BAD_OUTPUT, at, f"{file!r} leaves the tree: give a path relative to the tree's root",
                      prefer="value")
    elif not normal.endswith(".yaml") or normal.endswith(".j2.yaml"):
        result.report(BAD_OUTPUT, at, f"{file!r} is not a plain .yaml file (environments are written as "
                      "*.yaml; jinja2 sources are not generated)", prefer="value")
    elif normal.startswith(GENERATOR_DIR + "/"):
        result.report(BAD_OUTPUT, at, f"{file!r} is inside {GENERATOR_DIR}/, where the descriptions live",
                      prefer="value")
    elif any(part.startswith(".") for part in normal.split("/")):
        result.report(BAD_OUTPUT, at, f"{file!r} is hidden: renderers and packages leave it out", prefer="value")


def _registry(result: DescriptionFile, at: tuple[PathElement, ...], value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    where = (*at, "resource_registry")
    if not isinstance(value, dict):
        result.report(BAD_VALUE, where, "'resource_registry' maps resource types to templates", prefer="value")
        return ()
    entries = []
    for key, target in value.items():
        if not isinstance(key, str) or not _TYPE_NAME.match(key):
            result.report(BAD_REGISTRY, (*where, key), f"{key!r} is not a resource type name (OS::TripleO::...)")
            continue
        if not isinstance(target, str) or not target:
            result.report(BAD_REGISTRY, (*where, key), "the target is a template path relative to the tree, "
                          "or a type name (OS::Heat::None)", prefer="value")
            continue
        entries.append((key, target))
    return tuple(entries)


def _parameters(result: DescriptionFile, at: tuple[PathElement, ...], value: Any) -> tuple[ParameterSpec, ...]:
    if value is None:
        return ()
    where = (*at, "parameters")
    if not isinstance(value, dict):
        result.report(BAD_VALUE, where, "'parameters' maps parameter names to sample values", prefer="value")
        return ()
    specs = []
    for name, entry in value.items():
        path = (*where, name)
        if not isinstance(name, str) or not _is_name(name):
            result.report(BAD_VALUE, path, f"{name!r} is not a parameter name")
            continue
        if not isinstance(entry, dict):
            specs.append(ParameterSpec(name, entry, path=path))
            continue
        # A mapping is always the long form; a json value that is a mapping goes under 'value'.
        _unknown_keys(result, path, entry, PARAMETER_KEYS)
        note = entry.get("note")
        if note is not None and (not isinstance(note, str) or not note.strip()):
            result.report(BAD_VALUE, (*path, "note"), "'note' must be non-empty text", prefer="value")
            note = None
        template_default = entry.get("template_default", False)
        if not isinstance(template_default, bool):
            result.report(BAD_VALUE, (*path, "template_default"), "'template_default' is true or false",
                          prefer="value")
            continue
        if template_default == ("value" in entry):
            result.report(BAD_VALUE, path, f"{name}: give either 'value' or 'template_default: true'",
                          hint="a mapping is the long form; a json value that is a mapping goes under 'value'")
            continue
        specs.append(ParameterSpec(name, entry.get("value"), template_default, note.strip() if note else None,
                                   path, long_form=True))
    return tuple(specs)
