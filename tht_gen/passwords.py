"""Secrets for a deployment: a value for every hidden parameter without a default.

Services declare their passwords, keys and tokens as hidden strings with no
default (the library's contract), so a deployment needs an environment that
gives each one a value. :func:`generate_passwords` finds them with the
parameter discovery API (:func:`tht_gen.interface.parameters`: the root
template and every nested template the registry and environments reach) and
makes a strong random value (Python's :mod:`secrets`) for each, within its
constraints:

* ``length`` and ``allowed_pattern`` (Heat's semantics: ``re.match``, and the
  match must span the value), ``allowed_values``;
* a value is 32 random letters and digits unless the pattern asks for
  something else, in which case the first of these that it accepts is used:
  the base64 (standard, then URL-safe) of 32, 16, 24, 48 or 64 random bytes
  (Fernet keys, key-encryption keys), a Ceph key (``ceph-authtool
  --gen-print-key``'s format), hexadecimal, then a random string built from
  the pattern itself.

Not generated:

* parameters an environment given already sets (they keep that value);
* parameters tagged ``external`` (``tags: [external]``): credentials of a
  system outside the deployment (a storage array, a log server...), which
  only its owner knows;
* values already in the existing passwords file (``existing``): re-running
  keeps them, so secrets are not rotated by accident.

:func:`write_passwords` writes the environment with mode 0600, atomically,
and never replaces a file unless asked (``force``). Nothing here prints.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import struct
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from . import patterns
from .atomic import write_text_atomically
from .diagnostics import Diagnostic, Location, Severity, UserError, display_path, has_errors

EXTERNAL_TAG = "external"
DEFAULT_LENGTH = 32
ALPHANUMERIC = patterns.ALPHANUMERIC
# Rule ids: the file itself (R000, as every unreadable input), a value that does
# not fit the parameter's constraints (H902, as Heat rejects a parameter value).
FILE_PROBLEM = "R000"
BAD_VALUE = "H902"
HEADER = """\
# Secrets of the deployment's hidden parameters, written by `tht-gen passwords generate`.
# Keep this file private (mode 0600). Running the command again with --force keeps
# every value below and adds the ones the deployment has gained: nothing is rotated.
"""


@dataclass(frozen=True)
class SecretParameter:
    """A hidden string parameter without a default that the deployment takes."""

    name: str
    constraints: tuple[dict[str, Any], ...]
    declared_at: Location
    external: bool
    description: str | None = None


@dataclass
class PasswordsResult:
    """What :func:`generate_passwords` worked out; ``values`` is the environment's content."""

    values: dict[str, Any] = field(default_factory=dict)  # parameter_defaults to write, kept and new
    generated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # taken from the existing file
    set_elsewhere: dict[str, str] = field(default_factory=dict)  # name -> the environment that sets it
    external: list[SecretParameter] = field(default_factory=list)  # for the operator to set
    parameters: list[SecretParameter] = field(default_factory=list)  # every secret the deployment takes
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    @property
    def missing_external(self) -> list[str]:
        return [p.name for p in self.external if p.name not in self.values]


def secret_parameters(
    base_path: str | os.PathLike[str] | None = None,
    environments: Sequence[str | os.PathLike[str]] = (),
    *,
    roles_data: str | os.PathLike[str] | None = None,
    network_data: str | os.PathLike[str] | None = None,
) -> tuple[list[SecretParameter], dict[str, str], list[Diagnostic]]:
    """The secrets the deployment takes, the ones ``environments`` already set (name -> file),
    and the findings of the parameter discovery."""
    from .interface.params import INTERNAL, parameters

    schema = parameters(base_path, environments, roles_data=roles_data, network_data=network_data)
    found: list[SecretParameter] = []
    set_by: dict[str, str] = {}
    for info in schema.parameters:
        # "internal": every template declaring it gets the value from its parent.
        if not info.hidden or info.has_default or info.type != "string" or info.scope == INTERNAL:
            continue
        ref = info.declared_in[0]
        found.append(SecretParameter(
            info.name, tuple(info.constraints), Location(ref.file, ref.line, ref.column),
            EXTERNAL_TAG in info.tags, info.description))
        if info.value.origin in ("parameters", "parameter_defaults") and info.value.file:
            set_by[info.name] = info.value.file
    errors = [d for d in schema.diagnostics if d.severity >= Severity.ERROR]
    return found, set_by, errors


def generate_passwords(
    base_path: str | os.PathLike[str] | None = None,
    environments: Sequence[str | os.PathLike[str]] = (),
    *,
    roles_data: str | os.PathLike[str] | None = None,
    network_data: str | os.PathLike[str] | None = None,
    existing: Mapping[str, Any] | None = None,
    existing_file: str = "",
) -> PasswordsResult:
    """A value for every secret of the deployment of ``base_path`` (default: the shipped library).

    ``existing`` holds the ``parameter_defaults`` of a passwords file written
    before (``existing_file`` names it in findings): its values are kept, all
    of them, and only the secrets it lacks are generated.
    """
    found, set_by, problems = secret_parameters(base_path, environments, roles_data=roles_data,
                                                network_data=network_data)
    result = PasswordsResult(parameters=found, diagnostics=list(problems))
    kept = dict(existing or {})
    result.values.update(kept)
    for parameter in found:
        if parameter.name in kept:
            result.kept.append(parameter.name)
            problem = value_problem(kept[parameter.name], parameter.constraints)
            if problem:
                result.diagnostics.append(Diagnostic(
                    Location(existing_file or "<existing>"), BAD_VALUE, Severity.WARNING,
                    f"{parameter.name}: the kept value {problem} (declared at "
                    f"{parameter.declared_at}); it is kept all the same: replace it yourself"))
            continue
        if parameter.name in set_by:
            result.set_elsewhere[parameter.name] = set_by[parameter.name]
            continue
        if parameter.external:
            result.external.append(parameter)
            continue
        value = generate_value(parameter.constraints)
        if value is None:
            result.diagnostics.append(Diagnostic(
                parameter.declared_at, BAD_VALUE, Severity.ERROR,
                f"{parameter.name}: no value could be generated that satisfies its constraints "
                f"({_describe(parameter.constraints)}); set it yourself"))
            continue
        result.values[parameter.name] = value
        result.generated.append(parameter.name)
    result.values = dict(sorted(result.values.items()))
    result.diagnostics.sort()
    return result


# --------------------------------------------------------------------------- values

def generate_value(constraints: Iterable[Mapping[str, Any]], length: int = DEFAULT_LENGTH) -> str | None:
    """A strong random string that satisfies ``constraints`` (HOT parameter constraints), or None."""
    constraints = list(constraints)
    low, high = _length_bounds(constraints)
    allowed = _allowed_values(constraints)
    if allowed is not None:
        fitting = [str(v) for v in allowed if value_problem(str(v), constraints) is None]
        return secrets.choice(fitting) if fitting else None
    target = max(low, min(high, length))
    patterns = [str(c["allowed_pattern"]) for c in constraints if "allowed_pattern" in c]
    candidates: list[Callable[[], str | None]] = [partial(_alphanumeric, target)]
    if patterns:
        for size in (32, 16, 24, 48, 64):
            candidates.append(partial(_base64, size, urlsafe=False))
            candidates.append(partial(_base64, size, urlsafe=True))
        candidates.append(ceph_key)
        candidates.append(partial(_hexadecimal, target))
        candidates.extend(partial(_from_pattern, pattern, target) for pattern in patterns)
    for make in candidates:
        value = make()
        if value is not None and value_problem(value, constraints) is None:
            return value
    return None


def value_problem(value: Any, constraints: Iterable[Mapping[str, Any]]) -> str | None:
    """Why ``value`` breaks one of ``constraints`` (as Heat checks them), or None when it fits."""
    if not isinstance(value, str):
        return f"is a {type(value).__name__}, not a string"
    for constraint in constraints:
        if "length" in constraint and isinstance(constraint["length"], Mapping):
            bounds = constraint["length"]
            if bounds.get("min") is not None and len(value) < int(bounds["min"]):
                return f"is shorter than {bounds['min']} characters"
            if bounds.get("max") is not None and len(value) > int(bounds["max"]):
                return f"is longer than {bounds['max']} characters"
        if "allowed_pattern" in constraint:
            pattern = str(constraint["allowed_pattern"])
            try:
                match = re.match(pattern, value)
            except re.error:
                return f"cannot be checked: the pattern {pattern!r} is not a regular expression"
            # Heat: the match must reach the end of the value.
            if match is None or match.end() != len(value):
                return f"does not match {pattern!r}"
        if isinstance(constraint.get("allowed_values"), list) and \
                value not in [str(v) for v in constraint["allowed_values"]]:
            return "is not one of the allowed values"
    return None


def ceph_key() -> str:
    """A Ceph secret as ``ceph-authtool --gen-print-key`` prints it: base64 of the key's type
    (1, AES), its creation time (seconds, nanoseconds), its length (16) and 16 random bytes."""
    now = time.time()
    header = struct.pack("<HIIH", 1, int(now), int((now % 1) * 1e9), 16)
    return base64.b64encode(header + secrets.token_bytes(16)).decode()


def _alphanumeric(length: int) -> str:
    return "".join(secrets.choice(ALPHANUMERIC) for _ in range(length))


def _base64(size: int, *, urlsafe: bool) -> str:
    raw = secrets.token_bytes(size)
    return (base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)).decode()


def _hexadecimal(length: int) -> str:
    return secrets.token_hex((length + 1) // 2)[:length]


def _length_bounds(constraints: list[Mapping[str, Any]]) -> tuple[int, int]:
    low, high = 1, 1 << 16
    for constraint in constraints:
        bounds = constraint.get("length")
        if isinstance(bounds, Mapping):
            if bounds.get("min") is not None:
                low = max(low, int(bounds["min"]))
            if bounds.get("max") is not None:
                high = min(high, int(bounds["max"]))
    return low, high


def _allowed_values(constraints: list[Mapping[str, Any]]) -> list[Any] | None:
    for constraint in constraints:
        if isinstance(constraint.get("allowed_values"), list):
            return list(constraint["allowed_values"])
    return None


def _describe(constraints: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    for constraint in constraints:
        for key, value in constraint.items():
            if key != "description":
                parts.append(f"{key}: {value}")
    return ", ".join(parts) or "none"


def _from_pattern(pattern: str, length: int) -> str | None:
    """A random string the pattern matches (for patterns of literals, classes and repeats)."""
    chooser = patterns.Chooser(pick=secrets.choice, repeat=lambda low, high: max(low, min(high, length)))
    try:
        return patterns.sample(patterns.parse(pattern), chooser)
    except (patterns.CannotGenerate, re.error, TypeError, ValueError, OverflowError):
        return None


def read_passwords(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``parameter_defaults`` of an existing passwords file (raises :class:`UserError`)."""
    shown = display_path(Path(path))
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError.single(shown, f"cannot read the existing passwords file: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UserError.single(shown, f"the existing passwords file is not valid YAML: "
                               f"{getattr(exc, 'problem', exc)}", "S000",
                               mark.line + 1 if mark else None, mark.column + 1 if mark else None) from None
    if data is None:
        return {}
    defaults = data.get("parameter_defaults") if isinstance(data, dict) else None
    if not isinstance(data, dict) or set(data) - {"parameter_defaults"} or \
            not isinstance(defaults, (dict, type(None))):
        raise UserError.single(shown, "the existing file is not a passwords environment (a mapping "
                               "with parameter_defaults only); not touching it", exit_code=2)
    return dict(defaults or {})


def format_passwords(result: PasswordsResult) -> str:
    """The environment's text: a header, the operator's to-do, then ``parameter_defaults``."""
    lines = [HEADER]
    missing = [p for p in result.external if p.name not in result.values]
    if missing:
        lines.append("# Not generated: credentials of systems outside the overcloud. Add them here or\n"
                     "# in your own environment:\n")
        for parameter in missing:
            about = f": {parameter.description}" if parameter.description else ""
            lines.append(f"#   {parameter.name}{about}\n")
    body = yaml.safe_dump({"parameter_defaults": result.values}, default_flow_style=False,
                          sort_keys=False, width=1 << 16)
    return "".join(lines) + body


def write_passwords(path: str | os.PathLike[str], text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` with mode 0600, atomically; an existing file is replaced only
    with ``force`` (raises :class:`UserError` otherwise, or when the folder is not writable)."""
    target = Path(path)
    shown = display_path(target)
    if target.exists() and not force:
        raise UserError.single(shown, "exists; not replacing it (use --force: its values are kept, "
                               "the missing ones added)")
    if target.is_dir():
        raise UserError.single(shown, "is a folder; give a file name")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        # a folder that does not exist is a mistake in the path, not one to make
        write_text_atomically(folder / target.name, text, mode=0o600, parents=False)
    except OSError as exc:
        raise UserError.single(shown, f"cannot write: {exc}") from None


__all__ = [
    "EXTERNAL_TAG",
    "PasswordsResult",
    "SecretParameter",
    "ceph_key",
    "format_passwords",
    "generate_passwords",
    "generate_value",
    "read_passwords",
    "secret_parameters",
    "value_problem",
    "write_passwords",
]
