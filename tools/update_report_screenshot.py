#!/usr/bin/env python3
"""Write docs/report-screenshot.png: the top of `tht-gen report`'s page, photographed by headless Chromium.

The page is the shipped library's report with network isolation and the
bonded NIC layout (so the diagram shows every network and virtual IP). The
browser test (tests/report/test_browser.py) calls :func:`photograph` too and
checks what it returns, so the picture in the README is what the test saw.

    python tools/update_report_screenshot.py             write docs/report-screenshot.png
    python tools/update_report_screenshot.py --check     exit 1 when the screenshot is missing or
                                                         not the size the tool makes
"""

from __future__ import annotations

import argparse
import struct
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tht_gen.report import build_report, write_report  # noqa: E402
from tht_gen.report.browser import SCREENSHOT_SIZE, PageLoad, photograph_report  # noqa: E402

OUTPUT = ROOT / "docs" / "report-screenshot.png"
ENVIRONMENTS = ("environments/network-isolation.yaml", "environments/net-bond-with-vlans.yaml")


def photograph(folder: Path, executable: str | None = None) -> tuple[PageLoad, bytes, dict[str, Any], Path]:
    """Write the report into ``folder`` and photograph it: (what loading logged, PNG, matrix facts, page)."""
    page = write_report(build_report(environments=ENVIRONMENTS, jobs=1), folder / "report.html")
    load, png, facts = photograph_report(page, executable=executable)
    return load, png, facts, page


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the screenshot is missing or stale in size")
    args = parser.parse_args(argv)
    if args.check:
        if not OUTPUT.is_file() or png_size(OUTPUT.read_bytes()) != SCREENSHOT_SIZE:
            print(f"{OUTPUT.relative_to(ROOT)} is missing or not {SCREENSHOT_SIZE}: run {Path(__file__).name}",
                  file=sys.stderr)
            return 1
        return 0
    with tempfile.TemporaryDirectory(prefix="tht-gen-report-") as folder:
        load, png, _facts, _page = photograph(Path(folder))
    if load.errors:
        for message in load.errors:
            print(f"console: {message}", file=sys.stderr)
        print("the page logged errors: screenshot not written", file=sys.stderr)
        return 1
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_bytes(png)
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(png)} bytes, {png_size(png)[0]}x{png_size(png)[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
