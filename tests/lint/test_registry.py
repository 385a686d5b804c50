"""Meta-tests that keep the rule registry honest."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

from tht_gen.lint import rules as rules_pkg
from tht_gen.lint.rules import BY_NAME, RULES, Rule, TreeRule

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _all_subclasses(sub)
    return found


def test_ids_are_well_formed_and_names_unique() -> None:
    for rule_id, cls in RULES.items():
        assert re.fullmatch(r"[RSHTNU]\d{3}", rule_id), rule_id
        assert cls.id == rule_id
        assert re.fullmatch(r"[a-z][a-z0-9-]+", cls.name), cls.name
        assert cls.summary and not cls.summary.endswith(".")
    assert len(BY_NAME) == len(RULES)


def test_registry_is_every_rule_class_in_the_rules_package() -> None:
    for module in pkgutil.iter_modules(rules_pkg.__path__):
        importlib.import_module(f"{rules_pkg.__name__}.{module.name}")
    concrete = {c for c in _all_subclasses(Rule) if "id" in c.__dict__}
    assert concrete == set(RULES.values())
    assert {c for c in concrete if c.__module__.startswith(rules_pkg.__name__)} == concrete
    assert TreeRule not in concrete


def test_every_rule_documents_a_failing_example() -> None:
    for rule_id, cls in RULES.items():
        doc = cls.__doc__ or ""
        assert "FAIL::" in doc, f"{rule_id} docstring lacks a FAIL example"
        assert doc.strip().splitlines()[0].strip(), rule_id


def test_every_rule_has_pass_and_fail_fixtures() -> None:
    for rule_id in RULES:
        for kind in ("pass", "fail"):
            folder = FIXTURES / rule_id / kind
            cases = [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
            assert cases, f"{rule_id} has no {kind} fixture in {folder}"
    assert {p.name for p in FIXTURES.iterdir()} == set(RULES)
