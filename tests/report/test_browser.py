"""The report in a real headless browser (Debian's chromium): it loads with no console error, fetches
nothing, and the screenshot the README shows has the matrix in it.

Skipped, with the reason, only where no Chromium can be found (install
Debian's ``chromium`` package, or set THT_GEN_CHROMIUM); with
THT_GEN_REQUIRE_BROWSER=1 (CI) a missing browser fails instead.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tht_gen.report import build_report, write_report
from tht_gen.report.browser import SCREENSHOT_SIZE, HeadlessBrowser, find_browser

from ..conftest import ROOT
from .png import decode
from .test_report import hostile_roles

REQUIRE = os.environ.get("THT_GEN_REQUIRE_BROWSER") == "1"
ON_COLOUR = (30, 125, 58)  # the matrix's "runs" cells (--on in the page's style)


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_browser()
    if found is None:
        reason = ("no Chromium to run the page in: install Debian's chromium package (apt-get install chromium) "
                  "or set THT_GEN_CHROMIUM")
        if REQUIRE:
            pytest.fail(f"THT_GEN_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason + "; set THT_GEN_REQUIRE_BROWSER=1 to fail instead")
    return found


def _screenshot_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_report_screenshot",
                                                  ROOT / "tools" / "update_report_screenshot.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def photographed(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, bytes, dict[str, Any], Path]:
    """The README's screenshot, made the way tools/update_report_screenshot.py makes it."""
    result: tuple[Any, bytes, dict[str, Any], Path] = _screenshot_tool().photograph(
        tmp_path_factory.mktemp("report"), chromium)
    return result


def test_the_page_loads_with_no_console_error_and_fetches_nothing(photographed: Any) -> None:
    load, _png, facts, page = photographed
    assert [str(m) for m in load.errors] == []
    assert load.requests == [page.resolve().as_uri()]
    assert facts["toolsVisible"], "the page's script ran (it shows the filter box)"


def test_the_screenshot_shows_the_matrix(photographed: Any) -> None:
    _load, png, facts, _page = photographed
    image = decode(png)
    assert (image.width, image.height) == SCREENSHOT_SIZE
    assert facts["roles"] == 5 and facts["rows"] >= 90 and facts["on"] > facts["rows"]
    cell = facts["onCell"]
    # The first "runs" cell lies inside the picture, and the picture has it in the matrix's green.
    assert cell["y"] + cell["height"] < image.height and cell["x"] + cell["width"] < image.width
    inside = [(int(cell["x"] + dx), int(cell["y"] + dy))
              for dx in (3, cell["width"] - 4) for dy in (3, cell["height"] - 4)]
    for x, y in inside:
        assert all(abs(a - b) <= 8 for a, b in zip(image.pixel(x, y), ON_COLOUR, strict=True)), (x, y)
    # ... and the rest of the picture is not one flat colour (the page really was drawn).
    assert len({image.pixel(x, y) for x in range(0, image.width, 97) for y in range(0, image.height, 89)}) > 5


def test_the_shipped_screenshot_is_the_tools(photographed: Any) -> None:
    """docs/report-screenshot.png exists and has the size the tool makes (fonts differ between
    machines, so the bytes may not be equal): rerun the tool after changing the page."""
    assert _screenshot_tool().main(["--check"]) == 0


@pytest.fixture
def browser(chromium: str) -> Iterator[HeadlessBrowser]:
    with HeadlessBrowser(chromium) as opened:
        yield opened


def test_the_filter_box_narrows_the_matrix(browser: HeadlessBrowser, photographed: Any) -> None:
    page = photographed[3]
    load = browser.open(page.resolve().as_uri())
    assert load.errors == []
    expected = browser.evaluate("Array.from(document.querySelectorAll('#matrix-table tbody tr'))"
                                ".filter(r => r.dataset.search.includes('nova')).length")
    assert expected >= 5
    shown = browser.evaluate("""(() => {
        const box = document.getElementById('matrix-filter');
        box.value = 'Nova'; box.dispatchEvent(new Event('input'));
        return Array.from(document.querySelectorAll('#matrix-table tbody tr')).filter(r => !r.hidden).length;
    })()""")
    assert shown == expected
    assert browser.evaluate("document.getElementById('matrix-shown').textContent").startswith(f"{expected} of ")


def test_without_javascript_every_table_is_there(browser: HeadlessBrowser, photographed: Any) -> None:
    page = photographed[3]
    load = browser.open(page.resolve().as_uri(), javascript=False)
    assert load.errors == []
    assert browser.evaluate("document.getElementById('matrix-tools').hidden") is True
    rows = browser.evaluate("Array.from(document.querySelectorAll('#matrix-table tbody tr'))"
                            ".filter(r => r.getBoundingClientRect().height > 0).length")
    assert rows == photographed[2]["rows"]
    for section in ("diagram", "matrix", "roles", "netmap", "upgrades", "lint"):
        assert browser.evaluate(f"document.getElementById('{section}').getBoundingClientRect().height") > 20


def test_hostile_names_run_nothing(browser: HeadlessBrowser, tmp_path: Path) -> None:
    page = write_report(build_report(roles_data=hostile_roles(tmp_path), upgrade="static", lint=False, jobs=1),
                        tmp_path / "hostile.html")
    load = browser.open(page.resolve().as_uri())
    assert load.errors == []
    assert load.requests == [page.resolve().as_uri()]
    assert browser.evaluate("document.images.length") == 0
    assert browser.evaluate("document.querySelectorAll('script').length") == 1


def test_the_checker_sees_console_errors_and_blocked_loads(browser: HeadlessBrowser, tmp_path: Path) -> None:
    """The other tests' "no error" means something: a page with errors is caught."""
    report_head = build_report(lint=False, upgrade="static").html.split("<body>")[0]
    broken = tmp_path / "broken.html"
    broken.write_text(report_head + "<body><img src='http://192.0.2.1/x.png'>"
                      "<script>console.error('boom'); undefined_function();</script></body></html>",
                      encoding="utf-8")
    load = browser.open(broken.resolve().as_uri())
    texts = " | ".join(str(m) for m in load.errors)
    assert "boom" in texts and "undefined_function" in texts
    assert "Content Security Policy" in texts or "192.0.2.1" in texts
