"""Every environment file of the shipped library says what it is for.

The library's environment files start with a comment header (see
docs/interface.md): ``# title:`` (one line) and ``# description:`` (a block),
and optionally ``# purpose:`` (one of tht_gen.interface.metadata.PURPOSES),
which ``tht-gen env list`` groups them by. A failure names the file: add the
header to its source (the ``.j2.yaml`` when it is rendered).
"""

from __future__ import annotations

import pytest

from tht_gen.interface import list_environments
from tht_gen.interface.metadata import PURPOSES

LISTING = list_environments()
FILES = [e.file for e in LISTING.environments]


def test_the_library_has_environments() -> None:
    assert len(FILES) >= 5


@pytest.mark.parametrize("file", FILES)
def test_title_and_description(file: str) -> None:
    env = next(e for e in LISTING.environments if e.file == file)
    where = env.source or env.file
    assert env.title, f"{where}: add a '# title: ...' line to its comment header"
    assert env.description, f"{where}: add a '# description: |' block to its comment header"
    assert env.metadata.purpose is None or env.metadata.purpose in PURPOSES, (
        f"{where}: unknown purpose {env.metadata.purpose!r}, use one of {', '.join(PURPOSES)}")


def test_no_other_metadata_findings() -> None:
    assert [d.format_text() for d in LISTING.diagnostics] == []
