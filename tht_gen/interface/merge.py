"""A stack of environment files merged the way Heat's engine merges it, with provenance.

When a client sends environment files by name (``openstack stack create -e
A.yaml -e B.yaml``, and TripleO's client), Heat's engine merges them itself,
in order, into one environment (``heat.common.environment_util``). This module
computes the same result without Heat, and records for every entry which
file set it, which files' values it replaced and which values Heat dropped.
The rules, as Heat 27 applies them (``tests/interface/test_merge_heat.py``
checks them against Heat's own code on generated stacks of files):

* ``parameters`` and ``parameter_defaults``: the first file with a non-empty
  section gives it as written. After that, a value replaces the earlier one,
  unless the parameter's merge strategy is ``merge`` or ``deep_merge``; only
  parameters some template of the stack declares are taken, and null values
  are skipped.
* A parameter's merge strategy is fixed by the first file that sets it: that
  file's ``parameter_merge_strategies`` (the parameter's own entry, else the
  file's ``default``, else ``overwrite``). A later file that names another
  strategy for it is an error. ``merge`` joins strings, lists (or comma
  separated strings) and mappings (top-level keys); ``deep_merge`` merges
  mappings recursively, and is ``merge`` for other types; booleans cannot
  be merged, and numbers cannot in practice.
* ``resource_registry``: merged one level deep; a later file's key replaces
  the earlier one (``resources`` as a whole), null values are skipped.
* ``event_sinks`` and ``encrypted_param_names``: only one file may give them.

Pure: no I/O. Values are never mutated: the merge works on copies.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

OVERWRITE, MERGE, DEEP_MERGE = "overwrite", "merge", "deep_merge"
STRATEGIES = (OVERWRITE, MERGE, DEEP_MERGE)

PARAMETERS, PARAMETER_DEFAULTS = "parameters", "parameter_defaults"
RESOURCE_REGISTRY, EVENT_SINKS = "resource_registry", "event_sinks"
ENCRYPTED_PARAM_NAMES, MERGE_STRATEGIES = "encrypted_param_names", "parameter_merge_strategies"
# Heat's sections (heat.common.environment_format.SECTIONS), in the order a
# merged environment shows them.
SECTIONS = (RESOURCE_REGISTRY, PARAMETERS, PARAMETER_DEFAULTS, MERGE_STRATEGIES, EVENT_SINKS,
            ENCRYPTED_PARAM_NAMES)
PARAMETER_SECTIONS = (PARAMETERS, PARAMETER_DEFAULTS)
LIST_SECTIONS = (EVENT_SINKS, ENCRYPTED_PARAM_NAMES)

# HOT parameter types and their CFN spellings, as Heat's parameter schema knows them.
_TYPE_NAMES = {
    "string": "string", "String": "string",
    "number": "number", "Number": "number",
    "comma_delimited_list": "comma_delimited_list", "CommaDelimitedList": "comma_delimited_list",
    "json": "json", "Json": "json",
    "boolean": "boolean", "Boolean": "boolean",
}


def canonical_type(type_name: Any) -> str | None:
    """The HOT name of a parameter type (``Json`` -> ``json``); None when Heat knows no such type."""
    return _TYPE_NAMES.get(type_name) if isinstance(type_name, str) else None


@dataclass(frozen=True)
class EnvironmentInput:
    """One environment file as the merge sees it.

    ``name`` is how reports show the file; ``data`` the loaded document;
    ``locate`` turns a document path into (line, column) when positions are
    known (a :class:`tht_gen.yamlio.Document`'s ``locate``).
    """

    name: str
    data: Any
    locate: Callable[[tuple[str | int, ...]], tuple[int, int]] | None = None

    def position(self, path: tuple[str | int, ...]) -> tuple[int | None, int | None]:
        if self.locate is None:
            return None, None
        line, column = self.locate(path)
        return line, column


@dataclass(frozen=True)
class Setting:
    """A value one file gave one entry (as written in that file)."""

    file: str
    index: int  # the file's position in the stack, 0-based
    value: Any
    line: int | None = None
    column: int | None = None

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@dataclass
class Entry:
    """One key of a merged section, with where its value came from.

    ``sources`` are the settings that make up the value (one for a replaced
    value; each file's part for a merged one), ``replaced`` the earlier
    settings a later file's value discarded, ``ignored`` the settings Heat
    skipped (with the reason).
    """

    section: str
    key: str
    value: Any
    strategy: str = OVERWRITE
    sources: list[Setting] = field(default_factory=list)
    replaced: list[Setting] = field(default_factory=list)
    ignored: list[tuple[Setting, str]] = field(default_factory=list)
    declared: bool = True  # whether a template declares it (parameter sections only)

    @property
    def set_by(self) -> Setting | None:
        return self.sources[-1] if self.sources else None


@dataclass(frozen=True)
class Dropped:
    """A value Heat left out of the merged environment, and why."""

    section: str
    key: str
    setting: Setting
    reason: str


@dataclass(frozen=True)
class MergeProblem:
    """Why Heat would reject the stack of files (``file`` and ``path`` say where)."""

    file: str
    path: tuple[str | int, ...]
    message: str
    line: int | None = None
    column: int | None = None


@dataclass
class MergeResult:
    """The merged environment (``environment``: exactly what Heat's merge leaves) and its provenance."""

    files: list[str]
    environment: dict[str, Any]
    entries: dict[str, dict[str, Entry]]
    strategies: dict[str, tuple[str, Setting | None]]  # parameter -> (strategy, where it was fixed)
    dropped: list[Dropped] = field(default_factory=list)
    problems: list[MergeProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Rejected(Exception):
    """Heat would reject the stack here; stops the merge, as Heat stops."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def empty_environment() -> dict[str, Any]:
    """The sections Heat starts from when environment files are given (all empty)."""
    return {PARAMETERS: {}, RESOURCE_REGISTRY: {}, PARAMETER_DEFAULTS: {}, ENCRYPTED_PARAM_NAMES: [],
            EVENT_SINKS: []}


def merge_environments(files: Sequence[EnvironmentInput], parameter_types: Mapping[str, Any]) -> MergeResult:
    """Merge ``files`` in order as Heat does.

    ``parameter_types`` maps every parameter any template of the stack
    declares to its type (Heat's ``all_param_schemata``: the root template and
    every template in the request's ``files``); parameters not in it are
    dropped from all but the first file that sets a section. Stops at the
    first problem Heat would reject the request for (reported in
    ``problems``), with the environment as merged up to that file.
    """
    state = _Merge(parameter_types)
    for index, env in enumerate(files):
        state.files.append(env.name)
        try:
            state.add(index, env)
        except _Rejected as exc:
            line, column = env.position(exc.path)
            state.problems.append(MergeProblem(env.name, exc.path, exc.message, line, column))
            break
    return MergeResult(state.files, state.environment, state.entries, state.strategy_of,
                       state.dropped, state.problems)


class _Merge:
    def __init__(self, parameter_types: Mapping[str, Any]) -> None:
        self.types = parameter_types
        self.files: list[str] = []
        self.environment = empty_environment()
        self.entries: dict[str, dict[str, Entry]] = {s: {} for s in SECTIONS}
        self.strategy_of: dict[str, tuple[str, Setting | None]] = {}
        self.dropped: list[Dropped] = []
        self.problems: list[MergeProblem] = []

    def add(self, index: int, env: EnvironmentInput) -> None:
        data = env.data
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise _Rejected((), "an environment must be a mapping of sections")
        for section, value in data.items():
            if section not in SECTIONS:
                raise _Rejected((section,), f"'{section}' is not an environment section "
                                            f"(Heat rejects the file)")
            if value is None:
                raise _Rejected((section,), f"section '{section}' is empty (Heat rejects a null section)")
        strategies = data.get(MERGE_STRATEGIES, {})
        if not isinstance(strategies, dict):
            raise _Rejected((MERGE_STRATEGIES,), "parameter_merge_strategies must be a mapping")
        # Work on a copy: Heat merges into the parsed files themselves.
        work = copy.deepcopy(data)
        for section, value in work.items():
            if section == MERGE_STRATEGIES or not value:
                continue
            if section in PARAMETER_SECTIONS:
                self._parameters(index, env, section, value, data[section], strategies)
            elif section == RESOURCE_REGISTRY:
                self._registry(index, env, value, data[section])
            else:
                self._list_section(index, env, section, value, data[section])

    def _setting(self, index: int, env: EnvironmentInput, path: tuple[str | int, ...], value: Any) -> Setting:
        line, column = env.position(path)
        return Setting(env.name, index, value, line, column)

    # -- parameters and parameter_defaults ---------------------------------------------------

    def _strategy(self, strategies: dict[str, Any], key: str) -> str:
        file_default = strategies.get("default", OVERWRITE)
        known = self.strategy_of.get(key)
        wanted = strategies.get(key, known[0] if known else file_default)
        # An unknown strategy name falls back to the file's default, whatever that is.
        return wanted if wanted in STRATEGIES else file_default  # type: ignore[no-any-return]

    def _parameters(self, index: int, env: EnvironmentInput, section: str, new: Any, original: Any,
                    strategies: dict[str, Any]) -> None:
        if not isinstance(new, dict):
            raise _Rejected((section,), f"section '{section}' must be a mapping")
        # Strategies are fixed first, for every declared parameter this file sets.
        for key, value in new.items():
            if key in self.types and value is not None:
                strategy = self._strategy(strategies, key)
                known = self.strategy_of.get(key)
                if known is None:
                    where = self._setting(index, env, (MERGE_STRATEGIES, key), strategy) \
                        if key in strategies or "default" in strategies else None
                    self.strategy_of[key] = (strategy, where)
                elif strategy != known[0]:
                    first = f" (fixed by {known[1].where()})" if known[1] else " (the default)"
                    raise _Rejected((MERGE_STRATEGIES, key) if key in strategies else (section, key),
                                    f"merge strategy '{strategy}' for {key} conflicts with "
                                    f"'{known[0]}'{first}: a parameter's strategy is fixed by the "
                                    f"first file that sets it")
        entries = self.entries[section]
        old = self.environment[section]
        if not old:
            # The first file with this section gives it as written (undeclared names and nulls included).
            self.environment[section] = new
            for key, value in new.items():
                setting = self._setting(index, env, (section, key), copy.deepcopy(original[key]))
                entries[key] = Entry(section, key, value, self._strategy_name(key), [setting],
                                     declared=key in self.types)
            return
        for key, value in new.items():
            setting = self._setting(index, env, (section, key), copy.deepcopy(original[key]))
            if key not in self.types:
                self._drop(section, key, setting, "no template of the stack declares it, so Heat's "
                                                  "merge leaves it out")
                continue
            if value is None:
                self._drop(section, key, setting, "a null value is skipped by Heat's merge")
                continue
            strategy = self.strategy_of[key][0]
            entry = entries.get(key)
            if strategy in (MERGE, DEEP_MERGE):
                try:
                    old[key] = _merge_value(key, old, value, self.types[key], strategy == DEEP_MERGE)
                except _Rejected as exc:
                    raise _Rejected((section, key), exc.message) from None
                if entry is None:
                    entry = entries[key] = Entry(section, key, old[key], strategy)
                entry.value = old[key]
                entry.strategy = strategy
                entry.sources.append(setting)
            else:
                old[key] = value
                if entry is None:
                    entries[key] = Entry(section, key, value, strategy, [setting])
                else:
                    entry.replaced.extend(entry.sources)
                    entry.sources = [setting]
                    entry.value = value
                    entry.strategy = strategy

    def _strategy_name(self, key: str) -> str:
        known = self.strategy_of.get(key)
        return known[0] if known else OVERWRITE

    def _drop(self, section: str, key: str, setting: Setting, reason: str) -> None:
        self.dropped.append(Dropped(section, key, setting, reason))
        entry = self.entries[section].get(key)
        if entry is not None:
            entry.ignored.append((setting, reason))

    # -- resource_registry ------------------------------------------------------------------

    def _registry(self, index: int, env: EnvironmentInput, new: Any, original: Any) -> None:
        if not isinstance(new, dict):
            raise _Rejected((RESOURCE_REGISTRY,), "resource_registry must be a mapping")
        entries = self.entries[RESOURCE_REGISTRY]
        old = self.environment[RESOURCE_REGISTRY]
        first = not old
        if first:
            self.environment[RESOURCE_REGISTRY] = new
        for key, value in new.items():
            setting = self._setting(index, env, (RESOURCE_REGISTRY, key), copy.deepcopy(original[key]))
            if not first and value is None:
                self._drop(RESOURCE_REGISTRY, key, setting,
                           "Heat's merge skips a null registry entry, so it unregisters nothing")
                continue
            if not first:
                old[key] = value
            entry = entries.get(key)
            if entry is None:
                entries[key] = Entry(RESOURCE_REGISTRY, key, value, OVERWRITE, [setting])
            else:
                entry.replaced.extend(entry.sources)
                entry.sources = [setting]
                entry.value = value

    # -- event_sinks, encrypted_param_names ------------------------------------------------

    def _list_section(self, index: int, env: EnvironmentInput, section: str, new: Any, original: Any) -> None:
        earlier = self.entries[section].get("")
        if self.environment[section]:
            where = f" ({earlier.set_by.where()} gives it already)" if earlier and earlier.set_by else ""
            raise _Rejected((section,), f"Heat cannot merge '{section}' from two environment files{where}")
        self.environment[section] = new
        setting = self._setting(index, env, (section,), copy.deepcopy(original))
        self.entries[section][""] = Entry(section, "", new, OVERWRITE, [setting])


# -- merging one parameter's values ------------------------------------------------------


def _merge_value(key: str, old: dict[str, Any], value: Any, type_name: Any, deep: bool) -> Any:
    """The merged value of parameter ``key`` (its earlier value is ``old.get(key)``)."""
    kind = canonical_type(type_name)
    value = _parse_for_merge(key, value, kind)
    if kind == "json":
        return _merge_mapping(old.get(key, {}), value, deep)
    if kind == "comma_delimited_list":
        return _merge_list(old.get(key), value)
    if kind == "string":
        earlier = old.get(key, "")
        if not isinstance(earlier, str) or not isinstance(value, str):
            raise _Rejected((), f"cannot merge {key}: a string parameter merges strings only "
                                f"(got {_kind(earlier)} and {_kind(value)})")
        return earlier + value
    if kind == "number":
        # Heat adds the values, after accepting only strings and lists: it
        # works only where both are strings or both lists.
        earlier = old.get(key, 0)
        if isinstance(earlier, str) and isinstance(value, str):
            return earlier + value
        if isinstance(earlier, list) and isinstance(value, list):
            return earlier + value
        raise _Rejected((), f"cannot merge {key}: Heat adds number values and fails on "
                            f"{_kind(earlier)} + {_kind(value)}")
    raise _Rejected((), f"the merge strategy of {key} cannot be applied to a {type_name} parameter")


def _parse_for_merge(key: str, value: Any, kind: str | None) -> Any:
    """The value as Heat reads it before merging (JSON text is decoded for json parameters)."""
    if kind == "json":
        text = value if isinstance(value, str) else _dumps(key, value)
        if not text:
            return text
        try:
            return json.loads(text)
        except ValueError as exc:
            raise _Rejected((), f"invalid value for {key} in environment: not JSON ({exc})") from None
    if not isinstance(value, (str, list)):
        raise _Rejected((), f"invalid value for {key} in environment: {_kind(value)} cannot be "
                            f"merged (only strings and lists can)")
    return value


def _dumps(key: str, value: Any) -> str:
    try:
        return json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise _Rejected((), f"invalid value for {key} in environment: {exc}") from None


def _merge_list(old: Any, new: Any) -> Any:
    if not old:
        return new
    if isinstance(new, list):
        if not isinstance(old, list):
            raise _Rejected((), f"cannot merge a list into {_kind(old)}")
        old.extend(new)
        return old
    if not isinstance(old, str) or not isinstance(new, str):
        raise _Rejected((), f"cannot join {_kind(new)} to {_kind(old)} with commas")
    return f"{old},{new}"


def _merge_mapping(old: Any, new: Any, deep: bool) -> Any:
    if not old:
        return new
    if not isinstance(new, dict):
        raise _Rejected((), f"cannot merge {_kind(new)} into a mapping")
    for key, value in new.items():
        if value is None:
            continue
        if not isinstance(old, dict):
            raise _Rejected((), f"cannot merge a mapping into {_kind(old)}")
        if not deep:
            old[key] = value
        elif isinstance(value, dict):
            earlier = old.get(key)
            old[key] = _merge_mapping(earlier, value, True) if earlier else value
        elif isinstance(value, list):
            earlier = old.get(key)
            old[key] = _merge_list(earlier, value) if earlier else value
        elif isinstance(value, str):
            earlier = old.get(key, "")
            if not isinstance(earlier, str):
                raise _Rejected((), f"cannot append a string to {_kind(earlier)} at key {key!r}")
            old[key] = earlier + value
        else:
            old[key] = value
    return old


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
