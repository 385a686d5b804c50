"""docs/rules.md is generated from the rule docstrings and must not be stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_rules_doc_is_up_to_date() -> None:
    done = subprocess.run([sys.executable, "tools/gen_rule_docs.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_rule_is_in_the_doc() -> None:
    from tht_gen.lint.rules import RULES
    text = (ROOT / "docs" / "rules.md").read_text()
    for rule_id, cls in RULES.items():
        assert f"### {rule_id} {cls.name}" in text
