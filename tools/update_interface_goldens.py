#!/usr/bin/env python3
"""Regenerate the golden outputs of ``tht-gen params`` and ``tht-gen env`` (never edit them by hand).

The cases (commands, folders, fixtures) are defined in tests/interface/goldens.py;
tests/interface/test_goldens.py compares them with what the commands print now.

    python tools/update_interface_goldens.py          rewrite every case
    python tools/update_interface_goldens.py NAME...  rewrite these (file names, e.g. library-params.json)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.interface.goldens import CASES, GOLDEN, KEEP, render_case  # noqa: E402


def main(argv: list[str]) -> int:
    wanted = set(argv)
    unknown = wanted - {c.name for c in CASES}
    if unknown:
        print(f"unknown cases: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        if wanted and case.name not in wanted:
            continue
        path = GOLDEN / case.name
        text = render_case(case)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    if not wanted:
        known = {c.name for c in CASES}
        for stale in sorted(p for p in GOLDEN.iterdir() if p.name not in known and p.name not in KEEP):
            stale.unlink()
            print(f"removed {stale.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
