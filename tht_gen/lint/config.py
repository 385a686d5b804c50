"""The lint configuration: ``.tht-gen.yaml``, found upward from the linted path.

Takes the form::

    lint:                       # (or the same keys at the top level)
      ignore: ["releasenotes/**"]             # files never linted (globs over the tree)
      template_roots: [/usr/share/openstack-tripleo-heat-templates]
      optional_files: warning                 # errors in files the deployment does not use:
                                              # warning (default) or error
      entry_points: [environments/ceph.yaml]  # files the deployment uses (tht_gen/lint/reach.py)
      rules:
        H104: warning                         # a level: error, warning, info or off
        H201: {level: warning, ignore: ["environments/legacy/*"]}
        secret-not-hidden: {allow: ["*PublicKey"]}   # rule options, by id or name

Globs are gitignore-style: ``*`` stays within a folder, ``**`` crosses
folders, and a pattern without a ``/`` matches a file name at any depth.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Location, Severity, UserError
from ..yamlio import YamlSyntaxError, load_document
from .rules import RULES, lookup

CONFIG_NAME = ".tht-gen.yaml"
DEFAULT_TEMPLATE_ROOTS = ("/usr/share/openstack-tripleo-heat-templates",)
_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO,
           "off": None, "disable": None}


@dataclass
class LintConfig:
    levels: dict[str, Severity | None] = field(default_factory=dict)
    rule_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()
    template_roots: tuple[str, ...] = DEFAULT_TEMPLATE_ROOTS
    # Errors in files the deployment does not use are reported at this level
    # (tht_gen/lint/reach.py); ERROR keeps every error an error.
    optional_files: Severity = Severity.WARNING
    entry_points: tuple[str, ...] = ()
    source: str | None = None  # the file it came from

    def level(self, rule_id: str, default: Severity) -> Severity | None:
        """The severity of ``rule_id`` (None: the rule is off)."""
        return self.levels.get(rule_id, default)

    def enabled(self, rule_id: str) -> bool:
        return self.levels.get(rule_id, Severity.INFO) is not None

    def ignored(self, rule_id: str, path: str) -> bool:
        return any(glob_match(p, path) for p in self.rule_ignores.get(rule_id, ()))

    def file_ignored(self, path: str) -> bool:
        return any(glob_match(p, path) for p in self.ignore)


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.lstrip("/")
    out = ""
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
            continue
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
            continue
        out += {"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char))
        i += 1
    if pattern.endswith("/"):
        out += ".*"
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"^{prefix}{out}$")


def glob_match(pattern: str, path: str) -> bool:
    """gitignore-style match of a posix path relative to the linted root."""
    return bool(_glob_regex(pattern).match(path))


def find_config(start: Path) -> Path | None:
    """The nearest ``.tht-gen.yaml`` in ``start`` or a folder above it."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
    return None


def load_config(path: Path, display: str | None = None) -> LintConfig:
    """Read a configuration file; bad content raises :class:`UserError` (exit 2) with its line."""
    shown = display or os.fspath(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError.single(shown, f"cannot read the configuration: {exc}", "S000") from None
    try:
        doc = load_document(text)
    except YamlSyntaxError as exc:
        raise UserError.single(shown, f"configuration is not valid YAML: {exc.message}", "S000",
                               exc.line, exc.column) from None
    problems: list[Diagnostic] = []

    def problem(where: tuple[Any, ...], message: str) -> None:
        mark = doc.locate(where, prefer="key")
        problems.append(Diagnostic(Location(shown, mark.line, mark.column), "S002",
                                   Severity.ERROR, message))

    data = doc.data if doc.data is not None else {}
    config = LintConfig(source=shown)
    if not isinstance(data, dict):
        problem((), "the configuration must be a mapping")
        raise UserError(problems)
    base: tuple[Any, ...] = ()
    if "lint" in data:
        base = ("lint",)
        data = data["lint"] if isinstance(data["lint"], dict) else {}
    if "optional_files" in data:
        value = str(data["optional_files"]).lower()
        if value not in ("warning", "error"):
            problem((*base, "optional_files"), "'optional_files' must be 'warning' or 'error'")
        else:
            config.optional_files = _LEVELS[value]  # type: ignore[assignment]
    for key in ("ignore", "template_roots", "entry_points"):
        if key in data:
            value = data[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problem((*base, key), f"'{key}' must be a list of strings")
            else:
                setattr(config, key, tuple(value))
    rules = data.get("rules", {})
    if rules is None:
        rules = {}
    if not isinstance(rules, dict):
        problem((*base, "rules"), "'rules' must be a mapping of rule ids or names")
        rules = {}
    for key, setting in rules.items():
        where = (*base, "rules", key)
        cls = lookup(str(key))
        rule_id = cls.id if cls else str(key).upper()
        # R ids are the renderer's own diagnostics (a source tree is rendered first)
        if cls is None and not re.match(r"^R\d{3}$", rule_id):
            problem(where, f"unknown rule '{key}' (tht-gen lint --list-rules lists them)")
            continue
        if setting is False:
            setting = "off"
        if isinstance(setting, str):
            setting = {"level": setting}
        if not isinstance(setting, dict):
            problem(where, f"rule '{key}': expected a level or a mapping")
            continue
        for option, value in setting.items():
            if option == "level":
                level = str(value).lower() if value is not False else "off"
                if level not in _LEVELS:
                    problem((*where, option), f"rule '{key}': unknown level {value!r} "
                                              f"(error, warning, info or off)")
                else:
                    config.levels[rule_id] = _LEVELS[level]
            elif option == "ignore":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    problem((*where, option), f"rule '{key}': ignore must be a list of globs")
                else:
                    config.rule_ignores[rule_id] = tuple(value)
            elif cls is not None and option in cls.options:
                config.options.setdefault(rule_id, {})[option] = value
            else:
                known = ", ".join(["level", "ignore", *sorted(cls.options)] if cls else
                                  ["level", "ignore"])
                problem((*where, option), f"rule '{key}': unknown setting '{option}' ({known})")
    if problems:
        raise UserError(problems)
    return config


__all__ = ["CONFIG_NAME", "RULES", "LintConfig", "find_config", "glob_match", "load_config"]
