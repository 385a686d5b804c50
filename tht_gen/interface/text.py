"""Plain-text forms of the interface views (what ``tht-gen params`` and ``tht-gen env`` print).

Pure functions from results to text; the commands print it.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from .explain import EnvironmentExplanation
from .merge import PARAMETER_SECTIONS, SECTIONS, Entry, Setting
from .metadata import EnvironmentList
from .params import HIDDEN_TEXT, INTERNAL, NESTED, TOP_LEVEL, ParameterInfo, ParameterSchema

WIDTH = 100
VALUE_WIDTH = 120
SCOPE_TEXT = {
    TOP_LEVEL: "top-level",
    NESTED: "nested (parameter_defaults only)",
    INTERNAL: "internal (set by parent templates)",
}


def show_value(value: Any, limit: int | None = VALUE_WIDTH) -> str:
    """A value on one line, as JSON (the form an environment file accepts)."""
    try:
        text = json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    if limit is not None and len(text) > limit:
        return text[: limit - 3] + "..."
    return text


def _wrap(text: str, indent: str) -> list[str]:
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    out: list[str] = []
    for paragraph in paragraphs:
        out.extend(textwrap.wrap(paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent))
    return out


def _where(setting: Setting | Any) -> str:
    line = getattr(setting, "line", None)
    return f"{setting.file}:{line}" if line is not None else str(setting.file)


def format_parameters(schema: ParameterSchema, show_hidden: bool = False, full: bool = False) -> str:
    """The parameters, common ones first, then each role's, one block each."""
    limit = None if full else VALUE_WIDTH
    lines = [f"Parameters of {schema.root_template} in {schema.tree}"]
    if schema.environments:
        lines.append("Environments, in merge order: " + ", ".join(schema.environments))
    common = [p for p in schema.parameters if p.role is None]
    sections = [("Parameters", common)] + [
        (f"Role {role}", [p for p in schema.parameters if p.role == role]) for role in schema.roles]
    for title, items in sections:
        if not items:
            continue
        lines.append("")
        lines.append(f"{title} ({len(items)})")
        for parameter in items:
            lines.extend(_parameter_lines(parameter, show_hidden, limit))
    return "\n".join(lines)


def _parameter_lines(p: ParameterInfo, show_hidden: bool, limit: int | None) -> list[str]:
    hide = p.hidden and not show_hidden
    flags = [p.type or "untyped", SCOPE_TEXT.get(p.scope, p.scope)]
    if p.hidden:
        flags.append("hidden")
    if p.immutable:
        flags.append("immutable")
    out = [f"  {p.name}  [{', '.join(flags)}]"]
    indent = "      "
    if p.description:
        out.extend(_wrap(p.description, indent))
    if p.group:
        out.append(f"{indent}group: {p.group}")
    for constraint in p.constraints:
        kind = next(k for k in constraint if k != "description")
        out.append(f"{indent}{kind.replace('_', ' ')}: {show_value(constraint[kind], limit)}")
    if p.has_default:
        out.append(f"{indent}default: {HIDDEN_TEXT if hide else show_value(p.default, limit)}")
    value = p.value
    if value.origin in PARAMETER_SECTIONS:
        shown = HIDDEN_TEXT if hide else show_value(value.value, limit)
        out.append(f"{indent}value: {shown}")
        if value.strategy != "overwrite" and len(value.sources) > 1:
            out.append(f"{indent}  merged ({value.strategy}) from "
                       + ", ".join(_where(s) for s in value.sources) + f" ({value.origin})")
        else:
            out.append(f"{indent}  set by {value.file}:{value.line} ({value.origin})")
        for replaced in value.replaced:
            old = HIDDEN_TEXT if hide else show_value(replaced.value, limit)
            out.append(f"{indent}  replaced {_where(replaced)}: {old}")
    elif value.origin == "parent":
        out.append(f"{indent}value: given by the parent templates")
    elif value.origin == "none":
        out.append(f"{indent}value: none (required: set it in an environment)")
    declared = ", ".join(
        f"{r.file}:{r.line}" + (" (from parent)" if r.passed_by_parent else "") for r in p.declared_in)
    out.append(f"{indent}declared in: {declared}")
    out.extend(f"{indent}note: {c}" for c in p.conflicts)
    return out


def format_explanation(expl: EnvironmentExplanation, show_hidden: bool = False, full: bool = False) -> str:
    """The merged environment, section by section, each entry with the file that set it."""
    limit = None if full else VALUE_WIDTH
    lines = ["Environments, in the order Heat merges them:"]
    for index, (name, implicit) in enumerate(expl.files, 1):
        lines.append(f"  {index}. {name}" + ("  (the tree's resource registry, applied first)" if implicit else ""))
    for section in SECTIONS:
        entries = expl.entries.get(section, [])
        if section == "parameter_merge_strategies":
            strategies = {k: v for k, v in expl.strategies.items() if v[0] != "overwrite" or v[1] is not None}
            if not strategies:
                continue
            lines.append("")
            lines.append("parameter_merge_strategies:")
            for key, (strategy, where) in strategies.items():
                lines.append(f"  {key}: {strategy}" + (f"  ({_where(where)})" if where else ""))
            continue
        if not entries:
            continue
        lines.append("")
        lines.append(f"{section}:")
        for entry in entries:
            lines.extend(_entry_lines(expl, section, entry, show_hidden, limit))
    dropped = [d for d in expl.dropped
               if not any(e.key == d.key for e in expl.entries.get(d.section, []))]
    if dropped:
        lines.append("")
        lines.append("left out by Heat's merge:")
        for d in dropped:
            lines.append(f"  {d.section}.{d.key}  ({_where(d.setting)}): {d.reason}")
    return "\n".join(lines)


def _entry_lines(expl: EnvironmentExplanation, section: str, entry: Entry, show_hidden: bool,
                 limit: int | None) -> list[str]:
    hide = section in PARAMETER_SECTIONS and entry.key in expl.hidden and not show_hidden

    def shown(value: Any) -> str:
        return HIDDEN_TEXT if hide and value is not None else show_value(value, limit)

    key = entry.key or "(section)"
    where = ", ".join(_where(s) for s in entry.sources)
    merged = entry.strategy != "overwrite" and len(entry.sources) > 1
    out = [f"  {key}: {shown(entry.value)}"]
    out.append(f"      {'merged (' + entry.strategy + ') from' if merged else 'set by'} {where}")
    out.extend(f"      replaced {_where(s)}: {shown(s.value)}" for s in entry.replaced)
    out.extend(f"      ignored {_where(s)}: {shown(s.value)} ({reason})" for s, reason in entry.ignored)
    if section in PARAMETER_SECTIONS and not entry.declared:
        out.append("      not declared by any template of the stack")
    return out


def format_environment_list(listing: EnvironmentList) -> str:
    lines: list[str] = []
    for _, heading, items in listing.groups():
        if lines:
            lines.append("")
        lines.append(f"{heading}:")
        for env in items:
            title = env.title or (f"(no title) {env.metadata.comment}" if env.metadata.comment else "(no title)")
            lines.append(f"  {env.file}")
            lines.extend(_wrap(title, "      "))
    return "\n".join(lines)


def format_environment_details(listing: EnvironmentList) -> str:
    """``env list -v``: each file's description too."""
    lines: list[str] = []
    for _, heading, items in listing.groups():
        if lines:
            lines.append("")
        lines.append(f"{heading}:")
        for env in items:
            lines.append(f"  {env.file}" + (f"  (from {env.source})" if env.source else ""))
            lines.extend(_wrap(env.title or "(no title)", "      "))
            if env.description:
                lines.extend(_wrap(env.description, "        "))
    return "\n".join(lines)
