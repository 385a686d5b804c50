"""Diagnostics shared by every capability: render, lint, and what builds on them.

A :class:`Diagnostic` is frozen and ordered, so sorting a list of them gives a
deterministic report (by file, line, column, then rule). Producers never print;
the CLI formats them.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None


PathElement = str | int


def format_doc_path(path: tuple[PathElement, ...]) -> str:
    """Render a document path the way Heat names it: ``resources.Foo.properties[0]``."""
    out = ""
    for element in path:
        if isinstance(element, int):
            out += f"[{element}]"
        elif out:
            out += f".{element}"
        else:
            out = str(element)
    return out


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    path: tuple[PathElement, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.file, "line": self.line}


@dataclass(frozen=True, order=True)
class Diagnostic:
    location: Location
    rule_id: str
    severity: Severity
    message: str
    origin: Location | None = None
    hint: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form of ARCHITECTURE.md section 2."""
        return {
            "path": self.location.file,
            "line": self.location.line if self.location.line is not None else 1,
            "column": self.location.column if self.location.column is not None else 1,
            "rule": self.rule_id,
            "severity": str(self.severity),
            "message": self.message,
            "origin": self.origin.to_json() if self.origin else None,
        }

    def format_text(self) -> str:
        """``path:line:column: severity rule message``, plus the template origin."""
        loc = self.location
        line = loc.line if loc.line is not None else 1
        col = loc.column if loc.column is not None else 1
        text = f"{loc.file}:{line}:{col}: {self.severity} {self.rule_id} {self.message}"
        if self.origin is not None:
            text += f" (from {self.origin})"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


def display_path(path: os.PathLike[str] | str) -> str:
    """A path as a person at this terminal can open it: relative to cwd when below it."""
    text = os.fspath(path)
    try:
        rel = os.path.relpath(text)
    except ValueError:
        return text
    return text if rel.startswith("..") else rel


def worst(diagnostics: list[Diagnostic]) -> Severity | None:
    return max((d.severity for d in diagnostics), default=None)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity >= Severity.ERROR for d in diagnostics)


class UserError(Exception):
    """A mistake in the user's input that stops an operation before it starts.

    Carries diagnostics; the CLI prints them and exits 2 (usage or I/O), or 1
    when the diagnostics are findings about content.
    """

    def __init__(self, diagnostics: list[Diagnostic], exit_code: int = 2) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics
        self.exit_code = exit_code

    @classmethod
    def single(
        cls, file: str, message: str, rule_id: str = "R000", line: int | None = None,
        column: int | None = None, exit_code: int = 2,
    ) -> UserError:
        return cls(
            [Diagnostic(Location(file, line, column), rule_id, Severity.ERROR, message)],
            exit_code,
        )


@dataclass
class Report:
    """What a check produced: its diagnostics, the files it checked and those it wrote."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    usage_error: bool = False

    def exit_code(self, fail_on: Severity = Severity.ERROR) -> int:
        """0: nothing at or above ``fail_on``; 1: findings; 2: a usage or I/O problem."""
        if self.usage_error:
            return 2
        return 1 if any(d.severity >= fail_on for d in self.diagnostics) else 0

    @property
    def ok(self) -> bool:
        return self.exit_code() == 0

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)
