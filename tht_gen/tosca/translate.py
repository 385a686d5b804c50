"""A TOSCA Simple Profile template translated into HOT by heat-translator (its Python API).

heat-translator and tosca-parser are imported only here, and only when a
translation is asked for. Their complaints come back as diagnostics, one per
problem tosca-parser collected, each located at the line of the TOSCA file
that the message names (a node template, an input, a type, a field); what
they print or log, and the warnings they raise, are kept from the caller.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Diagnostic, Location, PathElement, Severity
from ..yamlio import Document, YamlSyntaxError, load_data, load_document

# Rule ids of import-tosca's findings (X: imported templates).
NOT_READABLE = "X001"     # the file cannot be read, or is not YAML
NOT_TOSCA = "X002"        # not a TOSCA service template
REJECTED = "X003"         # tosca-parser or heat-translator rejected it
NOT_INSTALLED = "X004"    # heat-translator is not installed
BAD_NAME = "X005"         # the service name cannot name a service
OUTPUT_EXISTS = "X006"    # a file to write exists (without --force)
LINT = "X007"             # the wrapped template does not lint clean
SECRET_DEFAULT = "X008"   # a secret input's default was dropped (warning)

INSTALL_HINT = "pip install 'heat-translator>=3.5' (it brings tosca-parser)"
_QUOTED = re.compile(r'"([^"]+)"')
_LOGGERS = ("heat-translator", "tosca", "toscaparser", "translator")


@dataclass
class Translation:
    """heat-translator's HOT for a TOSCA file: the main template and any nested ones (name -> data)."""

    source: str
    document: Document | None = None   # the TOSCA file as parsed, for locating findings
    template: dict[str, Any] | None = None
    nested: dict[str, dict[str, Any]] = field(default_factory=dict)
    description: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.template is not None and not any(d.severity >= Severity.ERROR for d in self.diagnostics)


def translate(path: str | os.PathLike[str], display: str | None = None) -> Translation:
    """Translate the TOSCA template at ``path``. Never raises for a bad template: problems come back as
    diagnostics located in the file."""
    shown = display or os.fspath(path)
    result = Translation(shown)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        result.diagnostics.append(Diagnostic(Location(shown), NOT_READABLE, Severity.ERROR,
                                             f"cannot read the file: {getattr(exc, 'strerror', None) or exc}"))
        return result
    try:
        document = load_document(text)
    except YamlSyntaxError as exc:
        result.diagnostics.append(Diagnostic(Location(shown, exc.line, exc.column), NOT_READABLE, Severity.ERROR,
                                             f"not valid YAML: {exc.message}"))
        return result
    result.document = document
    data = document.data
    if not isinstance(data, dict) or "tosca_definitions_version" not in data:
        result.diagnostics.append(Diagnostic(Location(shown, 1, 1), NOT_TOSCA, Severity.ERROR,
                                             "not a TOSCA service template: it has no tosca_definitions_version",
                                             hint="the first key of a TOSCA Simple Profile template is "
                                                  "tosca_definitions_version: tosca_simple_yaml_1_0"))
        return result
    if isinstance(data.get("description"), str):
        result.description = " ".join(data["description"].split())
    try:
        modules = _import_translator()
    except ImportError as exc:
        result.diagnostics.append(Diagnostic(Location(shown), NOT_INSTALLED, Severity.ERROR,
                                             f"heat-translator is not installed ({exc})", hint=INSTALL_HINT))
        return result
    tosca_template, translator_class, collector, validation_error = modules
    with _quiet():
        try:
            parsed = tosca_template(os.fspath(path), {}, True)
            files = translator_class(parsed, {}).translate_to_yaml_files_dict("main.yaml")
        except validation_error:
            for problem in collector.getExceptions() or []:
                result.diagnostics.append(_located(shown, document, f"{type(problem).__name__}: {problem}"))
            if not result.diagnostics:
                result.diagnostics.append(Diagnostic(Location(shown, 1, 1), REJECTED, Severity.ERROR,
                                                     "tosca-parser rejected the template"))
            return result
        except Exception as exc:
            result.diagnostics.append(_located(shown, document, f"heat-translator cannot translate it: "
                                                                f"{' '.join(str(exc).split())}"))
            return result
    for name, content in sorted(files.items()):
        try:
            loaded = load_data(content)
        except YamlSyntaxError as exc:
            result.diagnostics.append(Diagnostic(Location(shown, 1, 1), REJECTED, Severity.ERROR,
                                                 f"heat-translator produced YAML that does not parse ({name}: "
                                                 f"{exc.message})"))
            return result
        if name == "main.yaml":
            result.template = loaded if isinstance(loaded, dict) else {}
        elif isinstance(loaded, dict):
            result.nested[name] = loaded
    return result


def _import_translator() -> tuple[Any, Any, Any, Any]:
    with _quiet():
        from toscaparser.common.exception import (  # type: ignore[import-untyped]
            ExceptionCollector,
            ValidationError,
        )
        from toscaparser.tosca_template import ToscaTemplate  # type: ignore[import-untyped]
        from translator.hot.tosca_translator import TOSCATranslator  # type: ignore[import-untyped]
    return ToscaTemplate, TOSCATranslator, ExceptionCollector, ValidationError


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """What the libraries print, log and warn stays here: the API never prints, and the tests turn
    warnings into errors."""
    saved = {name: logging.getLogger(name).disabled for name in _LOGGERS}
    for name in _LOGGERS:
        logging.getLogger(name).disabled = True
    sink = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            warnings.simplefilter("ignore")
            yield
    finally:
        for name, disabled in saved.items():
            logging.getLogger(name).disabled = disabled


def locate_input(translation: Translation, name: str) -> Location:
    """Where a TOSCA input is declared."""
    path: tuple[PathElement, ...] = ("topology_template", "inputs", name)
    if translation.document is None:
        return Location(translation.source, 1, 1, path=path)
    mark = translation.document.locate(path, "key")
    return Location(translation.source, mark.line, mark.column, path=path)


def _located(source: str, document: Document, message: str) -> Diagnostic:
    """A finding at the line of the TOSCA file its message names: of the quoted names in the message,
    the one found deepest in the document (a field of a node template before the node template)."""
    best: tuple[int, tuple[PathElement, ...], str] | None = None
    for name in _QUOTED.findall(message):
        for path, prefer in _paths_named(document.data, name, ()):
            if best is None or len(path) > best[0]:
                best = (len(path), path, prefer)
    if best is None:
        return Diagnostic(Location(source, 1, 1), REJECTED, Severity.ERROR, message)
    mark = document.locate(best[1], best[2])
    return Diagnostic(Location(source, mark.line, mark.column, path=best[1]), REJECTED, Severity.ERROR, message)


def _paths_named(value: Any, name: str, path: tuple[PathElement, ...]) -> Iterator[
        tuple[tuple[PathElement, ...], str]]:
    """(path, "key" or "value") of every key equal to ``name`` and every scalar value equal to it."""
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key) == name:
                yield (*path, key), "key"
            yield from _paths_named(item, name, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths_named(item, name, (*path, index))
    elif isinstance(value, str | int | float) and not isinstance(value, bool) and str(value) == name:
        yield path, "value"


class Folded(str):
    """Text written as a folded block (``>``): a template's description."""


def dump_yaml(data: Any) -> str:
    """Block-style YAML in insertion order, a blank line between top-level sections; text with line
    breaks as literal blocks, :class:`Folded` text as folded ones."""
    text = yaml.dump(data, Dumper=_Dumper, default_flow_style=False, sort_keys=False, allow_unicode=True,
                     width=90)
    lines = text.splitlines()
    out: list[str] = []
    for index, line in enumerate(lines):
        if index > 0 and line[:1] not in ("", " ", "-", "#"):
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data and not data.startswith((" ", "\n")) and all(
        c.isprintable() or c == "\n" for c in data) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_folded(dumper: yaml.SafeDumper, data: Folded) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=">")


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(Folded, _represent_folded)
