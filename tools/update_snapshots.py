#!/usr/bin/env python3
"""Regenerate the golden rendered trees under tests/golden/ (never edit them by hand).

Each case folder holds ``input/`` (a template tree with its roles and network
data) and gets ``expected/`` (the tree ``tht-gen render -o`` writes) and
``diagnostics.json`` (what the render reported). The case ``library`` renders
the shipped library with its defaults.

    python tools/update_snapshots.py            rewrite every case
    python tools/update_snapshots.py basic      rewrite one case
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
sys.path.insert(0, str(ROOT))

from tht_gen import render  # noqa: E402


def render_case(case: Path, out: Path) -> list[dict[str, object]]:
    """Render one case into ``out``; the diagnostics, with paths relative to the case."""
    if case.name == "library":
        result = render(None, None, None, out, use_cache=False, jobs=1)
        base = result.base
    else:
        base = case / "input"
        result = render(base, None, None, out, use_cache=False, jobs=1)
    diagnostics = []
    for diagnostic in result.diagnostics:
        item = diagnostic.to_json()
        for key, root in (("path", base), ("path", out)):
            try:
                item[key] = str(Path(str(item[key])).resolve().relative_to(root.resolve()))
                break
            except ValueError:
                continue
        diagnostics.append(item)
    if not result.ok:
        raise SystemExit(f"{case.name}: render failed: {diagnostics}")
    return diagnostics


def update(case: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        diagnostics = render_case(case, out)
        expected = case / "expected"
        if expected.exists():
            shutil.rmtree(expected)
        shutil.copytree(out, expected, symlinks=True)
    (case / "diagnostics.json").write_text(json.dumps(diagnostics, indent=2) + "\n")
    print(f"updated {case.relative_to(ROOT)}")


def cases() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if p.is_dir() and ((p / "input").is_dir() or p.name == "library"))


def main(argv: list[str]) -> int:
    selected = [c for c in cases() if not argv or c.name in argv]
    if not selected:
        print(f"no such case: {' '.join(argv)}", file=sys.stderr)
        return 2
    for case in selected:
        update(case)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
