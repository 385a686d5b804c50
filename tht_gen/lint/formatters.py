"""Output formats for lint diagnostics: one function each, text in, text out."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from ..diagnostics import Diagnostic, Severity
from .rules import RULES


def format_text(diagnostics: Sequence[Diagnostic]) -> str:
    """``path:line:column: severity RULE message`` (and the template origin, the hint)."""
    return "\n".join(d.format_text() for d in diagnostics)


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    """One JSON array; each item as ARCHITECTURE.md section 2 specifies."""
    return json.dumps([d.to_json() for d in diagnostics], indent=2)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def format_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""
    lines = []
    for d in diagnostics:
        loc = d.location
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        if d.origin is not None:
            message += f" (from {d.origin})"
        lines.append(
            f"::{_GITHUB_LEVEL[d.severity]} file={_escape_property(loc.file)},"
            f"line={loc.line or 1},col={loc.column or 1},"
            f"title={_escape_property(d.rule_id)}::{_escape_data(message)}")
    return "\n".join(lines)


def rule_doc(cls: Any) -> tuple[str, str]:
    """A rule's docstring as (first paragraph, the rest), dedented."""
    import inspect
    text = inspect.cleandoc(cls.__doc__ or cls.summary)
    first, _, rest = text.partition("\n\n")
    return " ".join(first.split()), rest


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def sarif_document(diagnostics: Sequence[Diagnostic], version: str = "") -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run: every rule as a reporting descriptor, every finding
    as a result with its physical location (and the template it came from)."""
    used = {d.rule_id for d in diagnostics}
    rules = []
    for rule_id in sorted(set(RULES) | set(used)):
        cls = RULES.get(rule_id)
        descriptor: dict[str, Any] = {"id": rule_id}
        if cls is not None:
            descriptor["name"] = cls.name
            descriptor["shortDescription"] = {"text": cls.summary}
            descriptor["defaultConfiguration"] = {"level": _SARIF_LEVEL[cls.default_level]}
            descriptor["fullDescription"] = {"text": rule_doc(cls)[0]}
        rules.append(descriptor)
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for d in diagnostics:
        loc = d.location
        result: dict[str, Any] = {
            "ruleId": d.rule_id,
            "ruleIndex": index[d.rule_id],
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": loc.file},
                "region": {"startLine": loc.line or 1, "startColumn": loc.column or 1},
            }}],
        }
        if d.origin is not None:
            result["relatedLocations"] = [{
                "id": 0,
                "message": {"text": "rendered from this template line"},
                "physicalLocation": {"artifactLocation": {"uri": d.origin.file},
                                     "region": {"startLine": d.origin.line or 1}},
            }]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "tht-gen", "version": version,
                                "informationUri": "https://pypi.org/project/tht-gen/",
                                "rules": rules}},
            "results": results,
        }],
    }


def format_sarif(diagnostics: Sequence[Diagnostic]) -> str:
    from .. import __version__
    return json.dumps(sarif_document(diagnostics, __version__), indent=2)


FORMATTERS: dict[str, Callable[[Sequence[Diagnostic]], str]] = {
    "text": format_text,
    "json": format_json,
    "sarif": format_sarif,
    "github": format_github,
}
