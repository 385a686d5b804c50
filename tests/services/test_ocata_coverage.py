"""The services of the Ocata-era default roles: each one is provided by the library or retired.

The issue behind library part 2: "a test lists the Ocata default-role services
and asserts each is registered or documented as retired; at least 90 of them
are registered to real templates". The list is tests/data/ (108 names, a
superset of the issue's 104); the retired ones, with why and what replaces
them, are services/retired.yml, which docs/services-platform.md repeats.

A service is provided by a real template when the default resource registry
maps it to a template, or when the registry maps it to OS::Heat::None (an
optional service, off by default) and an environment shipped with the library
maps it to a template. The checks are functions of plain data, so that the
tests below can also show them failing on made-up inputs.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ..library.trees import Tree, default_tree
from . import contract
from .contract import ROOT

DATA_FILE = ROOT / "tests" / "data" / "ocata_default_role_services.txt"
RETIRED_FILE = ROOT / "services" / "retired.yml"
DOCS = ROOT / "docs" / "services-platform.md"
SERVICE_PREFIX = "OS::TripleO::Services::"
ISSUE_COUNT = 104      # the services the issue counts, all among the file's names
ISSUE_MINIMUM = 90     # of those, how many must be provided
NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")


# --- reading the data ------------------------------------------------------------------------------

def parse_service_list(text: str) -> list[str]:
    """The names of a service list: one per line; blank lines and # comments ignored."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def ocata_services() -> list[str]:
    return parse_service_list(DATA_FILE.read_text(encoding="utf-8"))


def retired_services(path: Path = RETIRED_FILE) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    retired = data.get("retired") if isinstance(data, dict) else None
    assert isinstance(retired, dict), f"{path}: no retired mapping"
    return retired


def environment_registrations(files: Mapping[str, bytes]) -> dict[str, set[str]]:
    """Service name -> the templates the environments of a rendered tree map it to.

    Targets are relative to their environment file; OS::Heat::None and other
    resource types are left out, as are targets the tree does not hold.
    """
    found: dict[str, set[str]] = {}
    for name, content in files.items():
        if not (name.startswith("environments/") and name.endswith(".yaml")):
            continue
        data = yaml.safe_load(content)
        registry = data.get("resource_registry") if isinstance(data, dict) else None
        for key, target in (registry or {}).items():
            if not (isinstance(key, str) and key.startswith(SERVICE_PREFIX)):
                continue
            if isinstance(target, str) and target.endswith(".yaml"):
                path = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
                if path in files:
                    found.setdefault(key.removeprefix(SERVICE_PREFIX), set()).add(path)
    return found


def provided_services(registry: Mapping[str, str], by_environment: Mapping[str, set[str]],
                      exists: Any = lambda path: (ROOT / path).is_file()) -> dict[str, set[str]]:
    """Service name -> the real templates that provide it (default registry first)."""
    provided: dict[str, set[str]] = {}
    for name, target in registry.items():
        if target.endswith(".yaml") and exists(target):
            provided[name] = {target}
        elif target == "OS::Heat::None" and by_environment.get(name):
            provided[name] = set(by_environment[name])
    return provided


# --- the checks ------------------------------------------------------------------------------------

def unaccounted(names: Iterable[str], registry: Mapping[str, str], retired: Mapping[str, Any]) -> list[str]:
    """Names neither registered (to anything) nor retired."""
    return sorted(n for n in names if n not in registry and n not in retired)


def retired_but_registered(registry: Mapping[str, str], retired: Mapping[str, Any]) -> list[str]:
    return sorted(set(registry) & set(retired))


def registered_but_unprovided(names: Iterable[str], registry: Mapping[str, str],
                              provided: Mapping[str, set[str]]) -> list[str]:
    """Names registered to nothing that no environment switches on either."""
    return sorted(n for n in names if n in registry and n not in provided)


def retired_entry_problems(retired: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    problems = []
    known = set(names)
    for name, entry in retired.items():
        if name not in known:
            problems.append(f"{name} is not a service of the Ocata default roles")
        for field in ("reason", "replacement"):
            value = entry.get(field) if isinstance(entry, dict) else None
            if not (isinstance(value, str) and value.strip()):
                problems.append(f"{name} has no {field}")
    return problems


def docs_table(text: str, heading: str) -> dict[str, list[str]]:
    """First column -> the other cells, of the body rows of the tables under '## heading'."""
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    in_body = False
    for line in section.splitlines():
        if not line.lstrip().startswith("|"):
            in_body = False
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(set(c) <= set("-: ") for c in cells):
            in_body = True  # the separator under the header row
        elif in_body:
            rows[cells[0].strip("`")] = cells[1:]
    return rows


# --- the library ----------------------------------------------------------------------------------

@cache
def _tree() -> Tree:
    return default_tree()


@cache
def _provided() -> dict[str, set[str]]:
    return provided_services(contract.registry(), environment_registrations(_tree().files))


def test_the_data_file_lists_the_108_distinct_names_of_the_ocata_default_roles() -> None:
    names = ocata_services()
    assert len(names) == 108
    assert names == sorted(set(names)), "the names are not sorted or not distinct"
    assert [n for n in names if not NAME.match(n)] == []
    assert DATA_FILE.read_text(encoding="utf-8").startswith("#"), "the file explains itself in a header"


def test_every_ocata_service_is_registered_or_retired() -> None:
    missing = unaccounted(ocata_services(), contract.registry(), retired_services())
    assert missing == [], f"neither registered in services/registry*.j2 nor in services/retired.yml: {missing}"


def test_no_retired_service_is_registered() -> None:
    assert retired_but_registered(contract.registry(), retired_services()) == []


def test_every_optional_ocata_service_has_an_environment_that_provides_it() -> None:
    orphans = registered_but_unprovided(ocata_services(), contract.registry(), _provided())
    assert orphans == [], f"registered to OS::Heat::None and enabled by no environment: {orphans}"


def test_at_least_94_of_the_108_are_provided_by_real_templates() -> None:
    names = ocata_services()
    provided = sorted(n for n in names if n in _provided())
    not_provided = sorted(set(names) - set(provided))
    # 94 of the 108 leaves at most 14 out: at least 90 of any 104 of them.
    assert len(provided) >= 94, f"{len(provided)} provided; not provided: {not_provided}"
    assert len(provided) - (len(names) - ISSUE_COUNT) >= ISSUE_MINIMUM


def test_retired_entries_name_ocata_services_with_a_reason_and_a_replacement() -> None:
    retired = retired_services()
    assert retired, "services/retired.yml lists no service"
    assert retired_entry_problems(retired, ocata_services()) == []


def test_the_docs_list_every_retired_service_with_its_replacement() -> None:
    rows = docs_table(DOCS.read_text(encoding="utf-8"), "Retired services")
    retired = retired_services()
    assert set(rows) == set(retired)
    for name, entry in retired.items():
        assert rows[name][-1] == " ".join(entry["replacement"].split()), name


# --- the checks can fail --------------------------------------------------------------------------

REGISTRY = {"HeatApi": "services/heat/heat-api.yaml", "OctaviaApi": "OS::Heat::None",
            "Sahara": "services/none/sahara.yaml", "NovaApi": "services/nova/nova-api.yaml"}


def test_a_service_neither_registered_nor_retired_is_reported() -> None:
    assert unaccounted(["HeatApi", "Zaqar", "MongoDb"], REGISTRY, {"MongoDb": {}}) == ["Zaqar"]


def test_a_retired_service_still_registered_is_reported() -> None:
    assert retired_but_registered(REGISTRY, {"HeatApi": {}, "MongoDb": {}}) == ["HeatApi"]


def test_optional_services_count_only_through_an_environment_and_real_files() -> None:
    exists = {"services/heat/heat-api.yaml", "services/octavia/octavia-api.yaml"}.__contains__
    alone = provided_services(REGISTRY, {}, exists)
    assert set(alone) == {"HeatApi"}  # Sahara's file is missing, Octavia is off
    assert registered_but_unprovided(["HeatApi", "OctaviaApi"], REGISTRY, alone) == ["OctaviaApi"]
    enabled = provided_services(REGISTRY, {"OctaviaApi": {"services/octavia/octavia-api.yaml"}}, exists)
    assert enabled["OctaviaApi"] == {"services/octavia/octavia-api.yaml"}


def test_environment_targets_are_read_relative_to_the_environment() -> None:
    files = {
        "environments/services/octavia.yaml": b"resource_registry:\n"
        b"  OS::TripleO::Services::OctaviaApi: ../../services/octavia/octavia-api.yaml\n"
        b"  OS::TripleO::Services::Gone: ../../services/gone.yaml\n"
        b"  OS::TripleO::Services::Off: OS::Heat::None\n"
        b"  OS::TripleO::Network::Ports::Foo: ../../network/ports/foo.yaml\n",
        "services/octavia/octavia-api.yaml": b"",
        "network/ports/foo.yaml": b"",
        "overcloud.yaml": b"resource_registry: {}\n",
    }
    assert environment_registrations(files) == {"OctaviaApi": {"services/octavia/octavia-api.yaml"}}


def test_incomplete_retired_entries_are_reported() -> None:
    problems = retired_entry_problems({"MongoDb": {"reason": "gone", "replacement": " "},
                                       "Unknown": {"reason": "x", "replacement": "y"}}, ["MongoDb"])
    assert problems == ["MongoDb has no replacement", "Unknown is not a service of the Ocata default roles"]


def test_the_docs_table_reader_takes_the_rows_of_its_section_only() -> None:
    text = ("# t\n\n## Retired services\n\n| service | why | instead |\n|---|---|---|\n"
            "| `MongoDb` | gone | MySQL |\n\n## Other\n\n| `X` | y | z |\n")
    assert docs_table(text, "Retired services") == {"MongoDb": ["gone", "MySQL"]}


@given(st.lists(st.from_regex(NAME, fullmatch=True), unique=True),
       st.lists(st.text(alphabet=" #abc-", max_size=20), max_size=5))
def test_service_lists_parse_back_whatever_comments_surround_them(names: list[str], notes: list[str]) -> None:
    header = "".join(f"# {note}\n" for note in notes)
    text = header + "\n".join(f"{name}\n\n" for name in names)
    assert parse_service_list(text) == names


def test_the_retired_file_is_not_mistaken_for_a_service_template() -> None:
    # The contract tests treat every services/**/*.yaml as a template.
    assert RETIRED_FILE.suffix == ".yml"
    assert RETIRED_FILE not in {t.path for t in contract.all_templates()}


@pytest.mark.parametrize("name", sorted(retired_services()))
def test_retired_reasons_are_sentences(name: str) -> None:
    reason = " ".join(retired_services()[name]["reason"].split())
    assert reason[0].isupper() and reason.endswith("."), reason
