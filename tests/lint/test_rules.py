"""Every rule against its fixtures: pass cases find nothing, fail cases find exactly what is expected.

Fixtures live in tests/fixtures/rules/<ID>/{pass,fail}/<case>/, each a small tree
linted as a folder with only that rule; a fail case's expected.json lists the
findings (rule, path, line, column).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tht_gen.lint import lint

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"


def _cases(kind: str) -> list[tuple[str, Path]]:
    return [(f"{rule.name}-{case.name}", case)
            for rule in sorted(FIXTURES.iterdir()) if (rule / kind).is_dir()
            for case in sorted((rule / kind).iterdir()) if case.is_dir()]


def _findings(case: Path, rule: str) -> list[dict[str, object]]:
    report = lint([case], rules=[rule], jobs=1, config=_no_config())
    assert not report.usage_error, report.diagnostics
    return [{"rule": d.rule_id, "path": d.location.file, "line": d.location.line,
             "column": d.location.column} for d in report.diagnostics if d.rule_id == rule]


def _no_config():  # type: ignore[no-untyped-def]
    from tht_gen.lint import LintConfig
    return LintConfig()


@pytest.mark.parametrize(("name", "case"), _cases("fail"), ids=[n for n, _ in _cases("fail")])
def test_fail_fixture_finds_exactly_the_expected(name: str, case: Path) -> None:
    rule = case.parent.parent.name
    expected = json.loads((case / "expected.json").read_text())
    assert expected, "a fail fixture must expect at least one finding"
    assert _findings(case, rule) == expected


@pytest.mark.parametrize(("name", "case"), _cases("pass"), ids=[n for n, _ in _cases("pass")])
def test_pass_fixture_finds_nothing(name: str, case: Path) -> None:
    rule = case.parent.parent.name
    assert _findings(case, rule) == []
