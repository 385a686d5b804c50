"""Which template implements a resource type: Heat's resource registry lookup, without Heat.

A merged ``resource_registry`` (see :mod:`.merge`) is looked up as Heat's
``ResourceRegistry`` does (``heat.engine.environment``):

* a type that is a template file (``*.yaml``, ``*.template``) is that file;
* otherwise the candidates are the entry for this resource name under
  ``resources`` (the most specific), the type's own entry, and every glob
  entry (``OS::TripleO::*``) that matches the type; Heat sorts them by
  path length, then by path, so a glob can win over an exact entry that
  sorts after it;
* a candidate naming a template is the answer; one naming another type is
  looked up again (a glob's ``*`` replaced by the rest of the type), and
  when that finds nothing the next candidate is tried; a type nobody maps
  is one of Heat's own, or unknown (``OS::TripleO::`` types are not Heat's).

A nested stack sees its parent's registry less the entry that mapped its own
template (so a template may use the type it implements), and with
``resources`` narrowed to the entries of the resource that created it
(``get_child_environment``). ``tests/interface/test_registry_heat.py``
compares the lookups with Heat's on generated registries.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

RegistryPath = tuple[str, ...]
_MAX_DEPTH = 32
TEMPLATE_SUFFIXES = (".yaml", ".template")


def is_template_type(name: Any) -> bool:
    return isinstance(name, str) and name.endswith(TEMPLATE_SUFFIXES)


@dataclass(frozen=True)
class Resolution:
    """The outcome of a lookup.

    ``template``: the registry value naming the template (as written) and
    ``origin``, the file that registry entry came from (relative paths are
    relative to it), or None when the type itself is a template file.
    ``type_name``: the final type when no template implements it (one of
    Heat's own, or unknown). ``registry_path``: the entry that gave the
    template, removed from the nested stack's registry. ``chain``: the
    registry keys followed.
    """

    type_name: str
    template: str | None = None
    origin: str | None = None
    registry_path: RegistryPath | None = None
    chain: tuple[str, ...] = ()
    problem: str | None = None
    unknown: bool = False  # neither the registry nor Heat implements the type


@dataclass(frozen=True)
class Registry:
    """A user registry (a merged ``resource_registry``) as one stack sees it.

    ``origin_of`` gives, for a registry path, the file the entry came from.
    """

    entries: Mapping[str, Any]
    resources: Mapping[str, Any] = field(default_factory=dict)
    origin_of: Callable[[RegistryPath], str | None] = field(default=lambda _p: None, compare=False)
    removed: frozenset[RegistryPath] = frozenset()
    # Whether Heat itself implements a type nobody maps (its plugins). Without Heat we cannot ask
    # it: every type outside TripleO's own namespace is taken to be Heat's.
    builtin: Callable[[str], bool] = field(default=lambda name: not name.startswith("OS::TripleO::"),
                                           compare=False)

    @classmethod
    def from_environment(cls, section: Any, origin_of: Callable[[RegistryPath], str | None],
                         builtin: Callable[[str], bool] | None = None) -> Registry:
        """The registry of a root stack from a merged ``resource_registry`` section.

        Entries are loaded in order, as Heat loads them: a null entry
        unregisters the type, and a null glob (``OS::TripleO::*: null``) every
        type registered before it that the glob matches; nested mappings other
        than ``resources`` are not types and are left out.
        """
        section = section if isinstance(section, dict) else {}
        resources = section.get("resources")
        resources = {name: _loaded(impl, keep_mappings=True) if isinstance(impl, dict) else impl
                     for name, impl in resources.items()} if isinstance(resources, dict) else {}
        entries = _loaded({k: v for k, v in section.items() if k != "resources"})
        registry = cls(entries, resources, origin_of)
        return registry if builtin is None else replace(registry, builtin=builtin)

    def key(self) -> str:
        """A stable identity of what lookups in this registry can answer (for memoising walks)."""
        return json.dumps([sorted(self.removed), self.resources], sort_keys=True, default=str)

    def _value(self, path: RegistryPath) -> Any:
        if path in self.removed:
            return None
        if len(path) == 1:
            return self.entries.get(path[0])
        impl = self.resources.get(path[1])
        return impl.get(path[2]) if isinstance(impl, dict) else None

    def lookup(self, type_name: str, resource_name: str | None = None) -> Resolution:
        found = self._lookup(type_name, resource_name, (), 0)
        if found is None:
            return Resolution(type_name, unknown=True)
        return found

    def _lookup(self, type_name: str, resource_name: str | None, chain: tuple[str, ...],
                depth: int) -> Resolution | None:
        """None when nothing implements ``type_name`` (Heat: EntityNotFound, and the caller tries
        its next candidate)."""
        if depth > _MAX_DEPTH:
            return Resolution(type_name, chain=chain,
                              problem="the registry maps types to each other in a cycle: "
                                      + " -> ".join(chain[:8]) + (" ..." if len(chain) > 8 else ""))
        if is_template_type(type_name):
            return Resolution(type_name, template=type_name, chain=chain)
        candidates: list[RegistryPath] = []
        if resource_name is not None:
            impl = self.resources.get(resource_name)
            if isinstance(impl, dict) and type_name in impl:
                candidates.append(("resources", resource_name, type_name))
        if type_name in self.entries:
            candidates.append((type_name,))
        # A glob entry mapped to a template is a template entry for Heat, and never matches.
        candidates.extend((pattern,) for pattern, value in self.entries.items()
                          if pattern.endswith("*") and pattern != type_name and isinstance(value, str)
                          and not is_template_type(value) and type_name != value
                          and type_name.startswith(pattern[:-1]))
        candidates.sort(key=lambda p: (-len(p), p))
        for path in candidates:
            value = self._value(path)
            if not isinstance(value, str):
                continue
            if is_template_type(value):
                return Resolution(type_name, template=value, origin=self.origin_of(path),
                                  registry_path=path, chain=(*chain, type_name))
            target = value
            if len(path) == 1 and path[0].endswith("*") and value.endswith("*"):
                target = value[:-1] + type_name[len(path[0]) - 1:]
            found = self._lookup(target, resource_name, (*chain, type_name), depth + 1)
            if found is not None:
                return found
        if self.builtin(type_name):
            return Resolution(type_name, chain=chain)
        return None

    def child(self, resource_name: str, used: RegistryPath | None) -> Registry:
        """The registry of the nested stack that resource ``resource_name`` creates from the template
        that entry ``used`` gave (None: the type was a template file itself)."""
        removed = self.removed | {used} if used is not None else self.removed
        resources = self.resources
        if used is not None and used[0] == "resources" and used[1] in resources:
            # Heat drops the entry from the parent's registry before narrowing it.
            impl = {k: v for k, v in resources[used[1]].items() if k != used[2]}
            resources = {**resources, used[1]: impl}
        narrowed: dict[str, Any] = {}
        for pattern, impl in resources.items():
            if fnmatch.fnmatchcase(resource_name, str(pattern)) and isinstance(impl, dict):
                narrowed.update(impl)
        exact = resources.get(resource_name)
        if isinstance(exact, dict):
            narrowed.update(exact)
        # Entries under ``resources`` are per stack: the removed set keeps only top-level paths.
        return Registry(self.entries, narrowed, self.origin_of,
                        frozenset(p for p in removed if len(p) == 1), self.builtin)


def _loaded(mapping: dict[str, Any], keep_mappings: bool = False) -> dict[str, Any]:
    """A registry level as Heat's ``_load_registry`` leaves it: in order, a null unregisters its
    type, a null glob every type before it that it matches. Nested mappings are kept only where
    they mean something (per-resource levels: the mappings of deeper stacks)."""
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        key = str(key)
        if value is None:
            if key.endswith("*"):
                for name in [n for n in out if n.startswith(key[:-1]) and not isinstance(out[n], dict)]:
                    del out[name]
            else:
                out.pop(key, None)
        elif keep_mappings or not isinstance(value, dict):
            out[key] = value
    return out
