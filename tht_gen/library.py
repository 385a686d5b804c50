"""Where the shipped template library lives.

In a source checkout the library folders sit at the top of the repository;
in an installed wheel the build has put them in ``tht_gen/_library``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The top-level entries that make up the library. The wheel's force-include
# list in pyproject.toml must name the same entries (tests/unit/test_library.py).
LIBRARY_ITEMS: tuple[str, ...] = (
    "overcloud.j2.yaml",
    "overcloud-resource-registry-puppet.j2.yaml",
    "roles_data.yaml",
    "network_data.yaml",
    "j2_excludes.yaml",
    "services",
    "puppet",
    "roles",
    "network",
    "environments",
)

_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Library:
    """A template tree and, when it is the shipped library, which entries belong to it."""

    root: Path
    # None means "everything under root", as for any user tree.
    items: tuple[str, ...] | None = None

    @property
    def is_shipped(self) -> bool:
        return self.items is not None


def _looks_like_library(path: Path) -> bool:
    return (path / "overcloud.j2.yaml").is_file() and (path / "roles_data.yaml").is_file()


def shipped_library() -> Library:
    """The library that came with this installation of tht-gen."""
    installed = _PACKAGE_DIR / "_library"
    if _looks_like_library(installed):
        return Library(installed, LIBRARY_ITEMS)
    source = _PACKAGE_DIR.parent
    if _looks_like_library(source):
        return Library(source, LIBRARY_ITEMS)
    raise FileNotFoundError(
        "the shipped template library is missing from this installation "
        f"(looked in {installed} and {source})"
    )


def resolve_library(base_path: str | Path | None) -> Library:
    """The tree to work on: the given folder, or the shipped library when none is given.

    A folder that is the root of our own source checkout is treated as the
    shipped library, so that ``-p .`` in the repository does not walk into
    ``tht_gen/``, ``tests/`` or a virtualenv.
    """
    if base_path is None:
        return shipped_library()
    root = Path(base_path)
    try:
        if root.resolve() == _PACKAGE_DIR.parent and _looks_like_library(root):
            return Library(root, LIBRARY_ITEMS)
    except OSError:
        pass
    return Library(root, None)
