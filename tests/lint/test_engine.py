"""The lint engine: suppression, configuration, classification, source trees, parallel runs."""

from __future__ import annotations

import pytest

from tht_gen.diagnostics import Severity
from tht_gen.lint import LintConfig, lint
from tht_gen.lint.config import glob_match
from tht_gen.model import FileKind, classify

from ..conftest import FORK_WARNING, MINIMAL_NETWORKS, MINIMAL_ROLES, TreeFactory

H = "heat_template_version: wallaby\n"
BROKEN = H + "outputs:\n  a:\n    value: {get_param: Nope}\n"


def _found(report) -> list[tuple[str, str, int, int, str]]:  # type: ignore[no-untyped-def]
    return [(d.rule_id, d.location.file, d.location.line or 0, d.location.column or 0,
             str(d.severity)) for d in report.diagnostics]


def test_findings_are_located_sorted_and_counted(tmp_tree: TreeFactory) -> None:
    root = tmp_tree({"b.yaml": BROKEN, "a.yaml": BROKEN, "notes/x.yaml": "a: [1\n"})
    report = lint([root], config=LintConfig())
    assert _found(report) == [
        ("H301", "a.yaml", 4, 24, "error"),
        ("H301", "b.yaml", 4, 24, "error"),
        ("S000", "notes/x.yaml", 2, 1, "error"),
    ]
    assert sorted(report.checked) == ["a.yaml", "b.yaml", "notes/x.yaml"]
    assert report.kinds["a.yaml"] == "hot"
    assert report.exit_code() == 1


@pytest.mark.parametrize(("text", "expected"), [
    (H + "outputs:\n  a:\n    value: {get_param: Nope}  # tht-gen: disable=H301\n", []),
    (H + "outputs:\n  a:\n    # tht-gen: disable=get-param-undeclared\n"
         "    value: {get_param: Nope}\n", []),
    (H + "# tht-gen: disable-file=H301\noutputs:\n  a:\n    value: {get_param: Nope}\n", []),
    (H + "outputs:\n  a:\n    value: {get_param: Nope}  # tht-gen: disable=H302\n",
     [("H301", "t.yaml", 4, 24, "error")]),
    (H + "# tht-gen: disable=H301\noutputs:\n  a:\n    value: {get_param: Nope}\n",
     [("H301", "t.yaml", 5, 24, "error")]),
])
def test_inline_suppression(tmp_tree: TreeFactory, text: str,
                            expected: list[tuple[str, str, int, int, str]]) -> None:
    report = lint([tmp_tree({"t.yaml": text})], config=LintConfig())
    assert _found(report) == expected


def test_config_is_found_upward_and_sets_levels_and_ignores(tmp_tree: TreeFactory) -> None:
    root = tmp_tree({
        ".tht-gen.yaml": "lint:\n  ignore: ['legacy/**']\n  rules:\n"
                         "    H301: {level: warning, ignore: ['old/*.yaml']}\n"
                         "    H304: off\n",
        "tree/a.yaml": BROKEN, "tree/old/b.yaml": BROKEN, "tree/legacy/c.yaml": BROKEN,
        "tree/d.yaml": H + "conditions:\n  unused: true\n",
    })
    report = lint([root / "tree"])
    assert report.config is not None and report.config.endswith(".tht-gen.yaml")
    assert _found(report) == [("H301", "a.yaml", 4, 24, "warning")]
    assert report.exit_code() == 0
    assert "legacy/c.yaml" not in report.checked


@pytest.mark.parametrize(("config", "message", "line"), [
    ("rules:\n  R003: error\n  H999: warning\n", "unknown rule", 3),
    ("rules:\n  H301: {level: loud}\n", "unknown level", 2),
    ("rules:\n  H301: {colour: red}\n", "unknown setting", 2),
    ("ignore: notalist\n", "must be a list", 1),
    ("rules: [\n", "not valid YAML", 2),
])
def test_bad_configuration_is_a_usage_error_with_its_line(
        tmp_tree: TreeFactory, config: str, message: str, line: int) -> None:
    root = tmp_tree({".tht-gen.yaml": config, "a.yaml": H})
    report = lint([root])
    assert report.usage_error and report.exit_code() == 2
    assert any(message in d.message and d.location.line == line for d in report.diagnostics), \
        [d.format_text() for d in report.diagnostics]


def test_rule_options_come_from_the_configuration(tmp_tree: TreeFactory) -> None:
    text = H + "parameters:\n  DbKey: {type: string}\n  AdminPassword: {type: string}\n"
    root = tmp_tree({".tht-gen.yaml": "rules:\n  secret-not-hidden: {allow: ['*Key']}\n",
                     "t.yaml": text})
    assert [(d.rule_id, d.location.line) for d in lint([root]).diagnostics] == [("H104", 4)]


def test_missing_path_is_a_usage_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = lint([tmp_path / "nowhere"], config=LintConfig())
    assert report.exit_code() == 2
    assert report.diagnostics[0].message == "no such file or folder"


def test_single_files_get_per_file_rules_only(tmp_tree: TreeFactory) -> None:
    root = tmp_tree({"env.yaml": "parameter_defaults:\n  Unknown: 1\n",
                     "t.yaml": BROKEN, "scripts/run.sh": "x"})
    report = lint([root / "env.yaml", root / "t.yaml"], config=LintConfig())
    # H603 (a tree rule) needs the whole tree; H301 does not
    assert [(d.rule_id, d.location.file.endswith("t.yaml")) for d in report.diagnostics] == \
        [("H301", True)]


def test_single_file_references_are_checked_on_disk(tmp_tree: TreeFactory) -> None:
    root = tmp_tree({"env.yaml": "resource_registry:\n"
                                 "  OS::A::B: services/a.yaml\n"
                                 "  OS::A::C: services/c.yaml\n"
                                 "  OS::A::D: ../elsewhere.yaml\n",
                     "services/a.yaml": H})
    (root.parent / "elsewhere.yaml").write_text(H)
    report = lint([root / "env.yaml"], config=LintConfig())
    assert [(d.rule_id, d.location.line) for d in report.diagnostics] == [("H503", 3)]


def test_file_that_is_not_utf8_is_reported(tmp_tree: TreeFactory) -> None:
    root = tmp_tree({"ok.yaml": H})
    (root / "bad.yaml").write_bytes(b"a: \xff\n")
    report = lint([root], config=LintConfig())
    assert [(d.rule_id, d.location.file) for d in report.diagnostics] == [("S000", "bad.yaml")]


@pytest.mark.usefixtures("forking")
@pytest.mark.filterwarnings(FORK_WARNING)
def test_parallel_run_equals_serial_run(tmp_tree: TreeFactory) -> None:
    files = {f"t{i:03}.yaml": (BROKEN if i % 7 == 0 else H + f"description: {i}\n")
             for i in range(150)}
    files["env.yaml"] = "parameter_defaults:\n  Nobody: 1\n"
    root = tmp_tree(files)
    serial = lint([root], jobs=1, config=LintConfig())
    parallel = lint([root], jobs=2, config=LintConfig())       # from the cache, in workers
    assert serial.diagnostics == parallel.diagnostics
    assert len(serial.diagnostics) == 23
    assert sorted(serial.checked) == sorted(parallel.checked)
    for jobs in (2, 3, 8):                                      # linted afresh, in workers
        fresh = lint([root], jobs=jobs, config=LintConfig(), cache=False)
        assert fresh.diagnostics == serial.diagnostics and fresh.kinds == serial.kinds


@pytest.mark.usefixtures("forking")
@pytest.mark.filterwarnings(FORK_WARNING)
def test_a_worker_that_dies_fails_the_run(tmp_tree: TreeFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Results of a child that stopped half-way are never taken as complete."""
    import os
    import time

    from tht_gen.lint.rules import RULES

    root = tmp_tree({f"t{i:03}.yaml": H + f"description: {i}\n" for i in range(150)})
    parent = os.getpid()
    rule = RULES["H301"]
    original = rule.check

    def check(self, ctx):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            os._exit(3)  # a worker killed in the middle of its batch
        time.sleep(0.002)  # the parent lints slowly: every worker gets a batch
        return original(self, ctx)

    monkeypatch.setattr(rule, "check", check)
    with pytest.raises(RuntimeError, match="a worker process failed: worker died"):
        lint([root], jobs=3, config=LintConfig(), cache=False)


def test_source_tree_is_rendered_in_memory_with_origins(tmp_tree: TreeFactory) -> None:
    root = tmp_tree({
        "roles_data.yaml": MINIMAL_ROLES, "network_data.yaml": MINIMAL_NETWORKS,
        "puppet/role.role.j2.yaml": H + "parameters:\n  Name: {type: string}\noutputs:\n"
                                    "  name:\n    value: {get_param: {{role.name}}Name}\n",
        "overcloud.j2.yaml": H + "resources: {}\n",
    })
    report = lint([root], config=LintConfig())
    assert [(d.rule_id, d.location.file, d.location.line, d.origin.file if d.origin else None,
             d.origin.line if d.origin else None) for d in report.diagnostics] == [
        ("H301", "puppet/compute-role.yaml", 6, "puppet/role.role.j2.yaml", 6),
        ("H301", "puppet/controller-role.yaml", 6, "puppet/role.role.j2.yaml", 6),
    ]
    assert "overcloud.yaml" in report.checked
    assert not (root / "overcloud.yaml").exists(), "linting must write nothing"


def test_tree_rendered_in_place_is_linted_as_it_is(tmp_tree: TreeFactory) -> None:
    root = tmp_tree({"overcloud.j2.yaml": "{{ not rendered }}", "overcloud.yaml": BROKEN,
                     "roles_data.yaml": MINIMAL_ROLES})
    report = lint([root], config=LintConfig())
    assert [(d.rule_id, d.location.file) for d in report.diagnostics] == [("H301", "overcloud.yaml")]


@pytest.mark.parametrize(("data", "kind"), [
    ({"heat_template_version": "wallaby"}, FileKind.HOT),
    ({"parameter_defaults": {}}, FileKind.ENVIRONMENT),
    ({"resource_registry": {}, "parameter_default": {}}, FileKind.ENVIRONMENT),
    ({"parameters": {"a": 1}}, FileKind.ENVIRONMENT),
    ({"parameter_defaults": {}, "workflow_parameters": {}, "name": "plan"}, FileKind.YAML),
    ([{"name": "Controller", "ServicesDefault": []}], FileKind.ROLES),
    ([{"name": "InternalApi", "vip": True, "name_lower": "internal_api"}], FileKind.NETWORKS),
    ([{"name": "x"}], FileKind.YAML),
    ({"prelude": "release note"}, FileKind.YAML),
    (None, FileKind.YAML),
])
def test_files_are_classified_by_content(data: object, kind: FileKind) -> None:
    assert classify(data) is kind


@pytest.mark.parametrize(("pattern", "path", "matches"), [
    ("*.yaml", "a/b/c.yaml", True),
    ("environments/*", "environments/a.yaml", True),
    ("environments/*", "environments/x/a.yaml", False),
    ("environments/**", "environments/x/a.yaml", True),
    ("**/legacy/*.yaml", "a/legacy/b.yaml", True),
    ("**/legacy/*.yaml", "legacy/b.yaml", True),
    ("/top.yaml", "sub/top.yaml", False),
    ("legacy/", "legacy/x/y.yaml", True),
])
def test_glob_matching_is_gitignore_style(pattern: str, path: str, matches: bool) -> None:
    assert glob_match(pattern, path) is matches


def test_levels_are_configuration_not_rule_identity(tmp_tree: TreeFactory) -> None:
    config = LintConfig(levels={"H301": Severity.INFO})
    report = lint([tmp_tree({"t.yaml": BROKEN})], config=config)
    assert [str(d.severity) for d in report.diagnostics] == ["info"]
    assert report.exit_code() == 0


def test_cache_gives_the_same_findings_and_follows_changes(tmp_tree: TreeFactory) -> None:
    from tht_gen.lint import cache as cache_module

    root = tmp_tree({"t.yaml": BROKEN, "u.yaml": H, "env.yaml": "parameter_defaults:\n  X: 1\n"})
    cold = lint([root], config=LintConfig())
    loads = []
    original = cache_module.ResultCache.has

    def counting_has(self, relative, digest):  # type: ignore[no-untyped-def]
        found = original(self, relative, digest)
        loads.append((relative, found))
        return found

    # every lookup, and whether it found the file's results (3 files: linted in this process)
    cache_module.ResultCache.has = counting_has  # type: ignore[method-assign]
    try:
        warm = lint([root], config=LintConfig())
        assert warm.diagnostics == cold.diagnostics and sorted(warm.checked) == sorted(cold.checked)
        assert sorted(loads) == [("env.yaml", True), ("t.yaml", True), ("u.yaml", True)]
        loads.clear()
        (root / "u.yaml").write_text(BROKEN)                  # content changed: linted again
        changed = lint([root], config=LintConfig())
        assert ("u.yaml", False) in loads and ("t.yaml", True) in loads
        assert [d.location.file for d in changed.diagnostics if d.rule_id == "H301"] == \
            ["t.yaml", "u.yaml"]
        loads.clear()
        quiet = lint([root], config=LintConfig(levels={"H301": None}))   # other settings
        assert all(not hit for _, hit in loads) and not any(
            d.rule_id == "H301" for d in quiet.diagnostics)
        (root / "scripts").mkdir()
        (root / "scripts" / "x.sh").write_text("")            # the tree's file list changed
        loads.clear()
        lint([root], config=LintConfig())
        assert all(not hit for _, hit in loads)
    finally:
        cache_module.ResultCache.has = original  # type: ignore[method-assign]
    assert lint([root], config=LintConfig(), cache=False).diagnostics == \
        lint([root], config=LintConfig()).diagnostics
