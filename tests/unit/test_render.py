"""Rendering behaviour: errors with their source lines, atomic writes, --check, --safe, -c, -d."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tht_gen import render

from ..conftest import FORK_WARNING, MINIMAL_NETWORKS, MINIMAL_ROLES, tree_files

DATA = {"roles_data.yaml": MINIMAL_ROLES, "network_data.yaml": MINIMAL_NETWORKS}


def test_yaml_error_names_output_line_and_template_line(tmp_tree, run_cli) -> None:
    root = tmp_tree({
        **DATA,
        "puppet/role.role.j2.yaml": (
            "heat_template_version: rocky\n"
            "description: {{role.name}}\n"
            "{% if role.name == 'Compute' %}\n"
            "resources: [unclosed\n"
            "{% endif %}\n"
            "outputs: {}\n"
        ),
    })
    out = root.parent / "out"
    code, _, stderr = run_cli("render", "-p", root, "-o", out)
    assert code == 1
    line = next(x for x in stderr.splitlines() if "S000" in x)
    # the rendered file, the line where YAML broke, and the template line that wrote it
    assert os.path.join("out", "puppet", "compute-role.yaml") in line
    assert "rendered file is not valid YAML" in line and "(role Compute)" in line
    assert line.endswith(f"(from {os.path.join(root.name, 'puppet', 'role.role.j2.yaml')}:4)") or \
        "role.role.j2.yaml:4)" in line
    assert not out.exists()


def test_yaml_error_inside_an_include_points_at_the_include(tmp_tree, run_cli) -> None:
    root = tmp_tree({
        **DATA,
        "a/page.j2.yaml": "top: 1\n{% include 'part.j2' %}\nend: 2\n",
        "a/part.j2": "good: 1\nbad: [\n",
    })
    code, _, stderr = run_cli("render", "-p", root, "-o", root.parent / "o")
    assert code == 1
    assert "part.j2:2)" in stderr


def test_jinja_syntax_error_has_the_source_line(tmp_tree, run_cli) -> None:
    root = tmp_tree({**DATA, "x/t.role.j2.yaml": "a: 1\nb: {{ role.name \nc: 3\n"})
    code, _, stderr = run_cli("render", "-p", root, "-o", root.parent / "o")
    assert code == 1
    errors = [x for x in stderr.splitlines() if "R001" in x]
    assert len(errors) == 1, "one error per template, not one per role"
    # jinja2 notices the unclosed expression on the next line, and says so
    assert "t.role.j2.yaml:3:1: error R001 jinja2 syntax error: expected token 'end of print " \
        "statement', got 'c'" in errors[0]


def test_runtime_error_and_missing_include(tmp_tree, run_cli) -> None:
    root = tmp_tree({
        **DATA,
        "x/boom.j2.yaml": "a: 1\nb: {{ roles[0].name.nope.deeper }}\n",
        "x/inc.j2.yaml": "a: 1\n{% include 'missing.j2' %}\n",
    })
    code, _, stderr = run_cli("render", "-p", root, "-o", root.parent / "o")
    assert code == 1
    assert "boom.j2.yaml:2:1: error R002 error while rendering: UndefinedError" in stderr
    assert "inc.j2.yaml:2:1: error R002 included template not found: missing.j2" in stderr
    assert "Traceback" not in stderr


def test_undefined_variables_warn_once_and_strict_fails(tmp_tree, run_cli) -> None:
    root = tmp_tree({
        **DATA,
        "p/r.role.j2.yaml": "a: '{{ role.nope }}' # {{role.name}}\nb: {% if role.maybe %}x{% endif %}ok\n",
    })
    code, _, stderr = run_cli("render", "-p", root, "-o", root.parent / "o")
    assert code == 0
    warnings = [x for x in stderr.splitlines() if "R003" in x]
    assert len(warnings) == 1, stderr  # once, for both roles; the truth test is not a use
    assert "r.role.j2.yaml:1:8: warning R003 'role.nope' is undefined (dict object has no " \
        "attribute or key 'nope')" in warnings[0]
    assert "(for Controller, Compute)" in warnings[0]
    assert (root.parent / "o" / "p" / "compute-r.yaml").read_text() == "a: '' # Compute\nb: ok"

    code, _, stderr = run_cli("render", "-p", root, "-o", root.parent / "o2", "--strict")
    assert code == 1
    assert "error R003" in stderr
    assert not (root.parent / "o2").exists()


def test_failed_run_leaves_previous_output_untouched(tmp_tree) -> None:
    root = tmp_tree({**DATA, "a.j2.yaml": "v: 1\n", "b.j2.yaml": "w: 2\n", "c.yaml": "c: 3\n"})
    out = root.parent / "out"
    assert render(root, None, None, out).ok
    (out / "mine.txt").write_text("a user's file")
    before = tree_files(out)
    (root / "a.j2.yaml").write_text("v: 10\n")
    (root / "b.j2.yaml").write_text("w: [broken\n")
    result = render(root, None, None, out)
    assert not result.ok
    assert tree_files(out) == before
    assert not [p for p in out.parent.iterdir() if "staging" in p.name]
    assert not [p for p in out.iterdir() if "staging" in p.name]


def test_only_changed_files_are_written(tmp_tree) -> None:
    root = tmp_tree({**DATA, "a.j2.yaml": "v: 1\n", "b.j2.yaml": "w: {{roles|length}}\n", "c.yaml": "c\n"})
    out = root.parent / "out"
    first = render(root, None, None, out)
    assert sorted(first.written) == ["a.yaml", "b.yaml", "c.yaml", "network_data.yaml",
                                     "roles_data.yaml"]
    stamp = (out / "a.yaml").stat().st_mtime_ns
    time.sleep(0.01)
    (root / "b.j2.yaml").write_text("w: {{roles|length + 1}}\n")
    second = render(root, None, None, out)
    assert second.written == ["b.yaml"]
    assert (out / "a.yaml").stat().st_mtime_ns == stamp
    assert (out / "b.yaml").read_text() == "w: 3"


def test_build_avoidance_notices_data_and_include_changes(tmp_tree) -> None:
    root = tmp_tree({**DATA, "t/r.role.j2.yaml": "{# {{role.name}} #}{% include 'i.j2' %}\n",
                     "t/i.j2": "n: {{role.name}}\n"})
    out = root.parent / "out"
    render(root, None, None, out)
    again = render(root, None, None, out)
    assert again.avoided == 2 and again.written == []
    (root / "t" / "i.j2").write_text("name: {{role.name}}\n")
    changed_include = render(root, None, None, out)
    assert changed_include.avoided == 0
    assert (out / "t" / "compute-r.yaml").read_text() == "name: Compute"
    (root / "roles_data.yaml").write_text(MINIMAL_ROLES.replace("Compute", "Edge"))
    renamed = render(root, None, None, out)
    assert (out / "t" / "edge-r.yaml").read_text() == "name: Edge"
    assert renamed.avoided == 1  # Controller's inputs are unchanged
    assert "t/compute-r.yaml" in renamed.deleted  # a file it generated before, now stale
    # a file edited by hand is noticed and rendered again
    (out / "t" / "edge-r.yaml").write_text("edited")
    assert "t/edge-r.yaml" in render(root, None, None, out).written


def test_check_lists_stale_files_and_writes_nothing(tmp_tree, run_cli) -> None:
    root = tmp_tree({**DATA, "a.j2.yaml": "v: 1\n", "b.j2.yaml": "w: 2\n"})
    code, stdout, _ = run_cli("render", "-p", root, "--check")
    assert code == 1
    assert stdout.splitlines()[:2] == ["stale: a.yaml", "stale: b.yaml"]
    assert not (root / "a.yaml").exists()
    assert run_cli("render", "-p", root)[0] == 0  # in place, as upstream
    code, stdout, _ = run_cli("render", "-p", root, "--check")
    assert code == 0 and "up to date" in stdout
    (root / "b.yaml").write_text("w: 3")
    code, stdout, _ = run_cli("render", "-p", root, "--check")
    assert code == 1 and "stale: b.yaml" in stdout and "stale: a.yaml" not in stdout


def test_safe_refuses_to_overwrite(tmp_tree, run_cli) -> None:
    root = tmp_tree({**DATA, "a.j2.yaml": "v: 1\n"})
    (root / "a.yaml").write_text("mine")
    code, _, stderr = run_cli("render", "-p", root, "--safe")
    assert code == 1
    assert "a.yaml:1:1: error R021 output file already exists" in stderr
    assert (root / "a.yaml").read_text() == "mine"


def test_clean_deletes_generated_files_only(tmp_tree, run_cli) -> None:
    root = tmp_tree({**DATA, "a.j2.yaml": "v: 1\n", "keep.yaml": "k: 1\n"})
    out = root.parent / "out"
    assert run_cli("render", "-p", root, "-o", out)[0] == 0
    (out / "mine.yaml").write_text("user file")
    (out / "keep.yaml").write_text("edited copy")
    code, _stdout, _ = run_cli("render", "-p", root, "-o", out, "-c")
    assert code == 0
    assert sorted(tree_files(out)) == ["keep.yaml", "mine.yaml"]


def test_dry_run_lists_and_writes_nothing(tmp_tree, run_cli) -> None:
    root = tmp_tree({**DATA, "p/r.role.j2.yaml": "a: {{role.name}}\n"})
    code, stdout, _ = run_cli("render", "-p", root, "-d")
    assert code == 0
    assert "would render p/controller-r.yaml from p/r.role.j2.yaml" in stdout
    assert not (root / "p" / "controller-r.yaml").exists()


def test_output_folder_inside_the_tree_is_not_walked(tmp_tree) -> None:
    root = tmp_tree({**DATA, "a.j2.yaml": "v: 1\n"})
    assert render(root, None, None, root / "out").ok
    again = render(root, None, None, root / "out")
    assert again.ok and not (root / "out" / "out").exists()


def test_shipped_library_is_not_rendered_in_place(run_cli) -> None:
    code, _, stderr = run_cli("render")
    assert code == 2 and "give -o DIR" in stderr


def test_unknown_base_path_and_bad_output(tmp_tree, run_cli, tmp_path: Path) -> None:
    code, _, stderr = run_cli("render", "-p", tmp_path / "nope", "-o", tmp_path / "o")
    assert code == 2 and "template folder not found" in stderr
    root = tmp_tree({**DATA, "a.j2.yaml": "v: 1\n"})
    (tmp_path / "afile").write_text("x")
    code, _, stderr = run_cli("render", "-p", root, "-o", tmp_path / "afile")
    assert code == 2 and "not a folder" in stderr


@pytest.mark.usefixtures("forking")
@pytest.mark.filterwarnings(FORK_WARNING)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_parallel_and_serial_give_the_same_bytes(tmp_tree, run_cli, jobs: str, monkeypatch) -> None:
    from tht_gen.render import engine
    monkeypatch.setattr(engine, "PARALLEL_MIN_JOBS", 2)
    roles = "".join(f"- name: Role{i}\n" for i in range(12))
    root = tmp_tree({"roles_data.yaml": roles, "network_data.yaml": MINIMAL_NETWORKS,
                     "p/r.role.j2.yaml": "n: {{role.name}}\nall: {{ networks|map(attribute='name')|list }}\n",
                     "g.j2.yaml": "{% for r in roles %}- {{r.name}}\n{% endfor %}"})
    code, _, stderr = run_cli("render", "-p", root, "-o", root.parent / f"o{jobs}", "-j", jobs)
    assert code == 0, stderr
    serial = tree_files(root.parent / f"o{jobs}")
    assert serial["p/role11-r.yaml"] == b"n: Role11\nall: ['InternalApi']"
    assert serial["g.yaml"].count(b"- Role") == 12


def test_a_new_output_folder_reuses_earlier_renderings_and_their_warnings(tmp_tree) -> None:
    """The output store: the same inputs rendered into another folder are read, not rendered,
    give the same bytes and the same undefined-variable warnings; a changed input is rendered."""
    root = tmp_tree({**DATA, "t/r.role.j2.yaml": "n: {{role.name}}\nx: {{role.nope}}\n",
                     "g.j2.yaml": "count: {{roles|length}}\n"})
    first = render(root, None, None, root.parent / "one")
    assert first.ok and first.reused == 0
    # kept the second time the same content is rendered, reused from then on
    assert render(root, None, None, root.parent / "once-more").reused == 0
    second = render(root, None, None, root.parent / "two")
    assert second.ok and second.reused == 3 and second.avoided == 0
    assert tree_files(root.parent / "two") == tree_files(root.parent / "one")
    warn = [d.format_text() for d in first.diagnostics if d.rule_id == "R003"]
    assert warn and [d.format_text() for d in second.diagnostics if d.rule_id == "R003"] == warn
    strict = render(root, None, None, root.parent / "three", strict=True)
    assert not strict.ok and strict.reused == 3  # a reused file's undefined use is still an error
    (root / "g.j2.yaml").write_text("count: {{roles|length + 1}}\n")
    changed = render(root, None, None, root.parent / "four")
    assert changed.reused == 2 and (root.parent / "four" / "g.yaml").read_text() == "count: 3"
    # the new content is rendered once more (now kept), then reused
    assert render(root, None, None, root.parent / "four-again").reused == 2
    assert render(root, None, None, root.parent / "four-third").reused == 3
    assert render(root, None, None, root.parent / "five", use_cache=False).reused == 0


def test_a_file_that_failed_is_never_reused(tmp_tree) -> None:
    root = tmp_tree({**DATA, "bad.j2.yaml": "a: [{{roles|length}}\n"})
    for folder in ("one", "two"):
        result = render(root, None, None, root.parent / folder)
        assert not result.ok and result.reused == 0
        assert any(d.rule_id == "S000" for d in result.diagnostics)


def test_the_output_store_keeps_the_most_recently_used_files(tmp_path: Path) -> None:
    from tht_gen.render.store import OutputStore

    store = OutputStore(tmp_path / "store")
    (tmp_path / "store").mkdir()
    for i in range(4):
        store.put(f"key{i}", b"x" * 1000, [], "digest")
        os.utime(store._path(f"key{i}"), (1000 + i, 1000 + i))
    assert store.get("key0") == (b"x" * 1000, [], "digest")  # used now: the newest
    assert store.prune(2500, force=True) == 2
    assert [store.get(f"key{i}") is not None for i in range(4)] == [True, False, False, True]
    assert store.get(None) is None and OutputStore(None).get("key0") is None


def test_the_environment_knows_which_templates_an_earlier_run_compiled(tmp_tree) -> None:
    """has_bytecode finds the entries jinja2 itself wrote (the renderer then leaves their
    loading to the jobs), and no entry for a template never compiled."""
    from tht_gen.render.environment import TreeEnvironment

    root = tmp_tree({**DATA, "t/r.role.j2.yaml": "n: {{role.name}}\n{% include 'inc.j2' %}\n",
                     "t/inc.j2": "i: 1\n", "never.j2": "x: 1\n"})
    files = frozenset(tree_files(root))
    fresh = TreeEnvironment(root, files)
    assert not fresh.has_bytecode("t/r.role.j2.yaml")
    assert render(root, None, None, root.parent / "out").ok
    again = TreeEnvironment(root, files)
    assert again.has_bytecode("t/r.role.j2.yaml") and again.has_bytecode("t/inc.j2")
    assert not again.has_bytecode("never.j2") and not again.has_bytecode("missing.j2")
    assert not TreeEnvironment(root, files, use_cache=False).has_bytecode("t/r.role.j2.yaml")
