"""The rule registry: every concrete Rule subclass defined in this package's modules."""

from __future__ import annotations

import importlib
import pkgutil

from .base import FileContext, Finding, Rule, Tree, TreeFacts, TreeRule


def _load() -> dict[str, type[Rule]]:
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base" and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    found: dict[str, type[Rule]] = {}
    pending = list(Rule.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if "id" in cls.__dict__:
            if cls.id in found and found[cls.id] is not cls:
                raise RuntimeError(f"two rules have the id {cls.id}: "
                                   f"{found[cls.id].__name__} and {cls.__name__}")
            found[cls.id] = cls
    return dict(sorted(found.items()))


RULES: dict[str, type[Rule]] = _load()
BY_NAME: dict[str, type[Rule]] = {cls.name: cls for cls in RULES.values()}


def lookup(key: str) -> type[Rule] | None:
    """A rule by id (``H201``) or name (``get-param-undeclared``)."""
    return RULES.get(key.upper()) or BY_NAME.get(key)


__all__ = ["BY_NAME", "RULES", "FileContext", "Finding", "Rule", "Tree", "TreeFacts", "TreeRule",
           "lookup"]
