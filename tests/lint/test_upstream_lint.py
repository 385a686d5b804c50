"""tht-gen lint on the upstream 18.0.0 tree, rendered by upstream's own process-templates.py.

* The clean tree: every error-level finding is one of the upstream defects listed (and
  explained) in upstream_defects.yaml; nothing else.
* Seeded faults (seeded_faults.yaml): each is reported, by its rule, in its file, at its
  line, and nothing else changes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tht_gen.diagnostics import Severity
from tht_gen.lint import LintConfig, lint
from tht_gen.lint.rules import RULES

from ..upstream import upstream_tree_or_skip

pytestmark = pytest.mark.slow
HERE = Path(__file__).resolve().parent
# The rule modules of this capability; rules other helpers add are checked by their own tests.
OWN_MODULES = ("schema", "hot_template", "hot_functions", "hot_references", "hot_files",
               "environment", "tree", "services")
OWN_RULES = {rid for rid, cls in RULES.items() if cls.__module__.rsplit(".", 1)[-1] in OWN_MODULES}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = upstream_tree_or_skip()
    out = tmp_path_factory.mktemp("upstream") / "rendered"
    done = subprocess.run(
        [sys.executable, "tools/process-templates.py", "-p", ".", "-r", "roles_data.yaml",
         "-o", str(out)], cwd=tree, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def _findings(root: Path, config: LintConfig, uses: list[str] | None = None,
              rules: set[str] | None = None) -> set[tuple[str, str, int, str]]:
    report = lint([root], config=config, uses=uses or [])
    assert not report.usage_error, report.diagnostics
    return {(d.rule_id, d.location.file, d.location.line or 0, str(d.severity))
            for d in report.diagnostics if rules is None or d.rule_id in rules}


def _known_defects() -> list[dict[str, object]]:
    return yaml.safe_load((HERE / "upstream_defects.yaml").read_text())


def test_clean_tree_has_no_error_and_its_known_defects_are_warnings(rendered: Path) -> None:
    default = _findings(rendered, LintConfig())
    errors = sorted(f"{file}:{line}: {rule}" for rule, file, line, level in default
                    if level == "error")
    assert errors == [], "upstream deploys in production: no finding there may be an error"
    # The real defects it has all sit in files the default deployment does not use:
    # found, as warnings; and as errors for whoever uses those files.
    strict = _findings(rendered, LintConfig(optional_files=Severity.ERROR), rules=OWN_RULES)
    known = _known_defects()
    unexplained = [f"{file}:{line}: {rule}" for rule, file, line, level in sorted(strict)
                   if level == "error" and not any(
                       k["rule"] == rule and Path(file).match(str(k["files"])) for k in known)]
    assert unexplained == []
    for entry in known:  # the list must not go stale
        assert any(r == entry["rule"] and Path(f).match(str(entry["files"])) and level == "error"
                   for r, f, _, level in strict), entry
        assert any(r == entry["rule"] and Path(f).match(str(entry["files"])) and level == "warning"
                   for r, f, _, level in default), entry


def _seed(root: Path, case: dict[str, object]) -> list[int]:
    path = root / str(case["file"])
    text = path.read_text()
    old, new = str(case["old"]), str(case["new"])
    assert text.count(old) == 1, f"{case['file']}: anchor must occur once, found {text.count(old)}"
    text = text.replace(old, new)
    path.write_text(text)
    marker = next(i for i, line in enumerate(text.splitlines(), 1) if "# seeded" in line)
    return [marker + int(o) for o in case.get("offsets", [0])]  # type: ignore[attr-defined]


def test_seeded_faults_are_reported_in_the_right_file_at_the_right_line(
        rendered: Path, tmp_path: Path) -> None:
    cases = yaml.safe_load((HERE / "seeded_faults.yaml").read_text())
    assert {c["rule"] for c in cases} >= {r for r in OWN_RULES
                                         if RULES[r].default_level.name == "ERROR"} - {"T003"}
    copy = tmp_path / "seeded"
    shutil.copytree(rendered, copy)
    # Named as used (tht-gen lint -e FILE), a seeded file is checked as part of the
    # deployment: its faults are errors, at their lines.
    used = sorted({str(c["file"]) for c in cases})
    before = _findings(copy, LintConfig(), used, OWN_RULES)
    quiet_before = _findings(copy, LintConfig(), None, OWN_RULES)
    expected = set()
    for case in cases:
        for line in _seed(copy, case):
            expected.add((case["rule"], case["file"], line, case.get("severity", "error")))
    seeded_files = {c["file"] for c in cases}
    seeded_pairs = {(c["rule"], c["file"]) for c in cases}

    def new(after: set[tuple[str, str, int, str]], baseline: set[tuple[str, str, int, str]],
            ) -> set[tuple[str, str, int, str]]:
        old = {f[:3] for f in baseline}
        fresh = {f for f in after if f[:3] not in old}
        # findings of rules other than the seeded one in a seeded file (a new condition is
        # unused, a new parameter unused...) are not what is checked here
        return {f for f in fresh if (f[0], f[1]) in seeded_pairs or f[1] not in seeded_files}

    assert new(_findings(copy, LintConfig(), used, OWN_RULES), before) == expected
    # Not named, each fault is still reported at the same place; an error becomes a
    # warning only where the default deployment does not reach the file.
    quiet = new(_findings(copy, LintConfig(), None, OWN_RULES), quiet_before)
    assert {f[:3] for f in quiet} == {f[:3] for f in expected}
    reached = {f[1] for f in quiet if f[3] == "error"}
    assert reached, "some seeded files are used by the default deployment"
    for rule, file, line, level in quiet:
        wanted = next(e[3] for e in expected if e[:3] == (rule, file, line))
        assert level == wanted or (wanted == "error" and level == "warning"
                                   and file not in reached), (rule, file, line, level)
