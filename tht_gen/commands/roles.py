"""``tht-gen roles list|show|generate``: browse a roles folder and build roles data from it.

``generate`` writes what ``openstack overcloud roles generate`` writes (the
role files concatenated in the order given, ``NAME:NEWNAME`` renaming a copy),
then checks the result before writing it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..checks import ServiceRegistry, validate_roles
from ..diagnostics import Diagnostic, Location, Severity, UserError, display_path, has_errors
from ..library import shipped_library
from ..model.networks import NetworkData, load_network_data
from ..model.roles import RoleFile, RolesFolder, load_roles_folder, parse_roles_data
from ..render.data import unsafe_name_reason
from ..yamlio import YamlSyntaxError, load_document

ORDER = 30

EXAMPLES = """\
examples:
  tht-gen roles list                                  the roles shipped with tht-gen
  tht-gen roles list --roles-path ~/tht/roles         the roles of another tree
  tht-gen roles show Compute
  tht-gen roles generate Controller Compute Compute:ComputeHCI -o roles_data.yaml

exit status: 0 success, 1 findings (unloadable role files; errors in generated roles data),
2 bad usage (an unknown role name) or unreadable input
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "roles", help="list, show and combine roles (roles data)",
        description="Browse a roles folder (one role per file) and generate roles data from it.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="roles_command", metavar="ACTION")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--roles-path", metavar="DIR",
                       help="folder of role files (default: the roles shipped with tht-gen)")
        p.add_argument("--format", choices=("text", "json"), default="text",
                       help="output format (default: text)")

    p_list = sub.add_parser("list", help="list the roles of a roles folder")
    common(p_list)
    p_list.set_defaults(handler=run_list)

    p_show = sub.add_parser("show", help="show one role")
    p_show.add_argument("role", metavar="NAME")
    common(p_show)
    p_show.set_defaults(handler=run_show)

    p_gen = sub.add_parser(
        "generate", help="write roles data from roles of a roles folder",
        description="Concatenate role files into roles data, as openstack overcloud roles "
                    "generate does. NAME:NEWNAME adds a copy of role NAME named NEWNAME (which "
                    "must start with NAME). Order matters when no role is tagged primary and "
                    "controller: the first role is then the primary role. The result is "
                    "checked (schema and N rules) before it is written.")
    p_gen.add_argument("roles", nargs="+", metavar="NAME[:NEWNAME]")
    p_gen.add_argument("-o", "--output-file", dest="output", metavar="FILE",
                       help="write here (default: standard output)")
    p_gen.add_argument("-p", "--base-path", dest="base_path", metavar="DIR",
                       help="template tree whose resource registry the services are checked "
                            "against (default: the tree the roles folder is in, else none)")
    p_gen.add_argument("-n", "--network-data", dest="network_data", metavar="FILE",
                       help="also check the roles' networks against this network data")
    p_gen.add_argument("--force", action="store_true",
                       help="write even when the result has error-level findings")
    p_gen.add_argument("-q", "--quiet", action="store_true", help="do not print warnings")
    common(p_gen)
    p_gen.set_defaults(handler=run_generate)
    parser.set_defaults(handler=lambda args, out: _no_action(parser))


def _no_action(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


# --------------------------------------------------------------------------- loading

def _roles_root(args: argparse.Namespace) -> tuple[Path, str]:
    if args.roles_path:
        return Path(args.roles_path), args.roles_path
    root = shipped_library().root / "roles"
    return root, display_path(root)


def _folder(args: argparse.Namespace) -> RolesFolder:
    root, shown = _roles_root(args)
    if not root.is_dir():
        raise UserError.single(shown, f"roles folder not found: {root}")
    try:
        return load_roles_folder(root, shown.rstrip("/"))
    except OSError as exc:
        raise UserError.single(shown, f"cannot read roles folder: {exc}") from None


def _file_problem(entry: RoleFile) -> Diagnostic | None:
    if entry.error is None:
        return None
    file = entry.data.file if entry.data else display_path(entry.path)
    line, column = entry.error_at
    rule = "S000" if entry.error.startswith("not valid YAML") else "R000"
    return Diagnostic(Location(file, line, column), rule, Severity.ERROR,
                      f"role file {entry.path.name} is {entry.error}"
                      if rule == "S000" else f"role file {entry.path.name}: {entry.error}")




def _summary(entry: RoleFile) -> dict[str, Any]:
    role = entry.role
    if role is None:
        return {"name": entry.name, "file": display_path(entry.path), "error": entry.error
                or "the file defines no role"}
    return {
        "name": entry.name,
        "role": role.name,
        "file": display_path(entry.path),
        "description": role.description,
        "summary": role.summary,
        "services": len(role.services),
        "tags": list(role.tags),
        "count_default": role.count_default,
    }


# --------------------------------------------------------------------------- list / show

def run_list(args: argparse.Namespace, out: Any) -> int:
    folder = _folder(args)
    problems = [d for d in map(_file_problem, folder.files.values()) if d is not None]
    rows = [_summary(folder.files[name]) for name in folder.names]
    if args.format == "json":
        out.result(json.dumps({"roles_path": _roles_root(args)[1], "roles": rows,
                               "diagnostics": [d.to_json() for d in problems]}, indent=2))
        return 1 if problems else 0
    out.diagnostics(problems)
    width = max([len(r["name"]) for r in rows] + [4])
    out.result(f"{'NAME':<{width}}  SERVICES  DESCRIPTION")
    for row in rows:
        if "error" in row:
            out.result(f"{row['name']:<{width}}         -  ({row['error']})")
            continue
        text = row["summary"]
        out.result(f"{row['name']:<{width}}  {row['services']:>8}  {text}")
    return 1 if problems else 0


_SHOWN_KEYS = ("name", "description", "CountDefault", "HostnameFormatDefault", "tags",
               "networks", "default_route_networks", "networks_skip_config", "ServicesDefault")


def run_show(args: argparse.Namespace, out: Any) -> int:
    folder = _folder(args)
    entry = folder.files.get(args.role)
    if entry is None:
        print(f"tht-gen roles show: no role {args.role!r} in {_roles_root(args)[1]}; the roles "
              f"there: {', '.join(folder.names) or 'none'}", file=sys.stderr)
        return 2
    problem = _file_problem(entry)
    if problem is not None:
        raise UserError([problem], exit_code=1)
    role = entry.role
    if role is None:
        raise UserError.single(display_path(entry.path), "the file defines no role", "S101",
                               exit_code=1)
    if args.format == "json":
        out.result(json.dumps({"file": display_path(entry.path), "role": role.definition},
                              indent=2, default=str))
        return 0
    lines = [f"Role {role.name} ({display_path(entry.path)})"]
    if role.description:
        lines += [f"  {line}" for line in role.description.splitlines()]
    lines.append("")

    def field(label: str, value: Any) -> None:
        lines.append(f"  {label + ':' if label else '':<23} {value}")

    field("count default", role.count_default if role.count_default is not None else "0 (unset)")
    field("hostname format", role.hostname_format or
          f"%stackname%-{role.name.lower()}-%index% (unset)")
    field("tags", ", ".join(role.tags) or "-")
    field("primary", "yes (tagged primary and controller)" if role.is_primary else "no")
    nets = [f"{n.name} ({n.subnet})" if n.subnet else n.name for n in role.networks]
    field("networks", ", ".join(nets) or "-")
    if role.networks_form == "list":
        field("", "(a list: the deprecated form; each network's <name_lower>_subnet is used)")
    field("default route networks", ", ".join(role.default_route_networks) or "ControlPlane (unset)")
    if role.networks_skip_config:
        field("networks skip config", ", ".join(role.networks_skip_config))
    others = {k: v for k, v in role.definition.items() if k not in _SHOWN_KEYS}
    for key, value in others.items():
        field(str(key), _inline(value))
    lines.append(f"  services ({len(role.services)}):")
    lines += [f"    {service}" for service in role.services]
    out.result("\n".join(lines))
    return 0


def _inline(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    return str(value)


# --------------------------------------------------------------------------- generate

@dataclass(frozen=True)
class Request:
    source: str  # the role file's name (stem)
    name: str  # the role's name in the output
    argument: str

    @property
    def renamed(self) -> bool:
        return self.source != self.name


def parse_request(argument: str) -> Request:
    """``NAME`` or ``NAME:NEWNAME``, with the rules of ``openstack overcloud roles generate``."""
    source, colon, new = argument.partition(":")
    if not source or (colon and not new) or ":" in new:
        raise ValueError(f"{argument!r} is not NAME or NAME:NEWNAME")
    if not colon:
        return Request(source, source, argument)
    if new == source:
        raise ValueError(f"{argument!r}: the new name must differ from {source!r}")
    if not new.startswith(source):
        raise ValueError(f"{argument!r}: the new name must start with {source!r} (as openstack "
                         "overcloud roles generate requires; templates derive some tags from "
                         "role names)")
    reason = unsafe_name_reason(new)
    if reason:
        raise ValueError(f"{argument!r}: the new name {reason}")
    return Request(source, new, argument)


# Keys that name something after the original role (a parameter, a resource, a
# NIC config file): a renamed copy keeping them would collide with the original.
def _belongs_to_original(key: Any) -> bool:
    return isinstance(key, str) and (key.startswith("deprecated_") or key == "uses_deprecated_params")


def _yaml_scalar(text: str, style: str | None) -> str:
    if style in ("'", '"'):
        return "'" + text.replace("'", "''") + "'"
    try:
        plain_ok = yaml.safe_load(text) == text and "\n" not in text and "#" not in text
    except yaml.YAMLError:
        plain_ok = False
    return text if plain_ok else "'" + text.replace("'", "''") + "'"


def rename_role_text(text: str, old: str, new: str) -> str:
    """The role file's text with role ``old`` renamed ``new``, its comments kept.

    The ``name`` value is replaced where the parser found it (whatever its
    quoting), and the keys that name things after the original role
    (``deprecated_*``, ``uses_deprecated_params``) are commented out with a note.
    Raises ValueError when the file does not define role ``old``.
    """
    document = load_document(text)
    data = document.data
    index = next((i for i, r in enumerate(data if isinstance(data, list) else [])
                  if isinstance(r, dict) and r.get("name") == old), None)
    if index is None:
        raise ValueError(f"the file defines no role named {old!r}")
    _, name_node = document.node_at((index, "name"))
    assert isinstance(name_node, yaml.ScalarNode)
    lines = text.splitlines(keepends=True)
    drop: list[tuple[int, int]] = []  # 0-based line ranges, inclusive
    for key, _value in data[index].items():
        if not _belongs_to_original(key):
            continue
        key_node, value_node = document.node_at((index, key))
        if key_node is None or value_node is None:
            continue
        end = value_node.end_mark
        last = end.line if end.column > 0 else end.line - 1
        drop.append((key_node.start_mark.line, max(last, key_node.start_mark.line)))
    start, end = name_node.start_mark.index, name_node.end_mark.index
    renamed = text[:start] + _yaml_scalar(new, name_node.style) + text[end:]
    if not drop:
        return renamed
    lines = renamed.splitlines(keepends=True)
    first = min(a for a, _ in drop)
    indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
    for a, b in drop:
        for i in range(a, b + 1):
            body = lines[i]
            stripped = body.lstrip()
            pad = body[: len(body) - len(stripped)]
            lines[i] = f"{pad}# {stripped}" if stripped.strip() else body
    note = (f"{indent}# tht-gen: the keys below belong to role {old}; a copy keeping them would "
            f"declare the same\n{indent}# parameters, resources or files as {old}.\n")
    lines.insert(first, note)
    return "".join(lines)


def generate_roles_text(folder: RolesFolder, requests: list[Request], command: str) -> str:
    """Roles data made of the requested role files, in order, with a header saying how."""
    parts = [
        "#" * 79 + "\n",
        "# Roles data generated by tht-gen from the role files of a roles folder:\n",
        f"#   {command}\n",
        "# Each role below is its file's text; a role given as NAME:NEWNAME is a renamed copy.\n",
        "#" * 79 + "\n",
    ]
    for request in requests:
        entry = folder.files[request.source]
        text = entry.text
        if request.renamed:
            role = entry.role
            old = role.name if role is not None else request.source
            text = rename_role_text(text, old, request.name)
            text = f"# tht-gen: role {request.name} is a copy of {request.source}\n" + text
        if not text.endswith("\n"):
            text += "\n"
        parts.append(text)
    return "".join(parts)


def _registry_for(args: argparse.Namespace, roles_root: Path) -> ServiceRegistry | None:
    """The registry to check services against: the tree given with -p, else the tree the
    roles folder is in (the shipped library by default); None when there is none."""
    from ..checks.registry import REGISTRY_TEMPLATE, service_registry

    if args.base_path:
        if not Path(args.base_path).is_dir():
            raise UserError.single(args.base_path, f"template tree not found: {args.base_path}")
        return service_registry(args.base_path)[0]
    if args.roles_path:
        parent = roles_root.resolve().parent
        if not (parent / REGISTRY_TEMPLATE).is_file():
            return None
        return service_registry(parent)[0]
    return service_registry(None)[0]


def _networks_for(args: argparse.Namespace) -> NetworkData | None:
    if not args.network_data:
        return None
    try:
        return load_network_data(args.network_data, args.network_data)
    except FileNotFoundError:
        raise UserError.single(args.network_data, "network data file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError.single(args.network_data, f"cannot read network data: {exc}") from None
    except YamlSyntaxError as exc:
        raise UserError.single(args.network_data, f"network data is not valid YAML: "
                               f"{exc.message}", "S000", exc.line, exc.column, 1) from None


def run_generate(args: argparse.Namespace, out: Any) -> int:
    folder = _folder(args)
    root, shown = _roles_root(args)
    requests: list[Request] = []
    mistakes: list[str] = []
    for argument in args.roles:
        try:
            requests.append(parse_request(argument))
        except ValueError as exc:
            mistakes.append(str(exc))
    unknown = list(dict.fromkeys(r.source for r in requests if r.source not in folder.files))
    if unknown:
        mistakes.append(f"no role {', '.join(map(repr, unknown))} in {shown}; the roles there: "
                        f"{', '.join(folder.names) or 'none'}")
    if mistakes:
        for mistake in mistakes:
            print(f"tht-gen roles generate: {mistake}", file=sys.stderr)
        return 2
    problems = [d for d in (_file_problem(folder.files[r.source]) for r in requests) if d]
    if problems:
        raise UserError(problems, exit_code=1)
    command = "tht-gen roles generate " + " ".join(args.roles)
    try:
        text = generate_roles_text(folder, requests, command)
    except ValueError as exc:
        raise UserError.single(shown, str(exc), "N012", exit_code=1) from None
    target = args.output
    label = target if target else "<generated roles data>"
    try:
        generated = parse_roles_data(text, label)
    except YamlSyntaxError as exc:
        raise UserError.single(label, f"the generated roles data is not valid YAML: {exc.message} "
                               "(a role file does not end its last value)", "S000", exc.line,
                               exc.column, 1) from None
    diagnostics = validate_roles(generated, _networks_for(args), _registry_for(args, root))
    failed = has_errors(diagnostics) and not args.force
    if args.format == "json":
        if target and not failed:
            _write(Path(target), text)
        out.result(json.dumps({
            "output": target, "written": bool(target) and not failed,
            "roles": [r.name for r in requests],
            "content": None if target or failed else text,
            "diagnostics": [d.to_json() for d in diagnostics],
        }, indent=2))
        return 1 if has_errors(diagnostics) else 0
    shown_diags = [d for d in diagnostics if not args.quiet or d.severity >= Severity.ERROR]
    out.diagnostics(shown_diags)
    if failed:
        print("tht-gen roles generate: the result has errors; nothing written "
              "(--force writes it anyway)", file=sys.stderr)
        return 1
    if target:
        _write(Path(target), text)
        out.info(f"wrote {len(requests)} roles to {target}")
    else:
        sys.stdout.write(text)
    return 1 if has_errors(diagnostics) else 0


def _write(path: Path, text: str) -> None:
    """Write whole or not at all: a temporary file next to the target, then a rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tht-gen-tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise UserError.single(str(path), f"cannot write roles data: {exc}") from None


__all__ = ["Request", "generate_roles_text", "parse_request", "register", "rename_role_text"]
