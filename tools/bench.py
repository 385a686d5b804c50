#!/usr/bin/env python3
"""Benchmarks against upstream, measured in the same run (alternating runs, medians).

    python tools/bench.py render [--runs N] [--readme]
    python tools/bench.py lint [--runs N] [--readme]

``render``: tht-gen render against upstream's tools/process-templates.py on the
upstream 18.0.0 tree (downloaded once, see tests/upstream.py) with its default
roles, all 55 of its roles, and 220 roles (4 renamed copies). Each run is a
fresh process writing a fresh output folder, except "incremental", which
re-renders into the previous output (the edit-render loop). Scenarios:

* upstream      process-templates.py
* cold          tht-gen, every cache empty (compiled templates, checked outputs, rendered
                files, manifest)
* compiled      tht-gen, compiled templates cached, no store of rendered files, new output
                folder (the bytecode cache alone)
* warm          tht-gen, the caches of an earlier run of the same tree (compiled templates
                and rendered files), new output folder
* incremental   tht-gen, all caches warm, same output folder as the last run

Outputs go to tmpfs (/dev/shm) when there is one, for both tools alike.
Peak memory is the largest resident set of any process of the run (the
rendering workers included), from wait4(2).

``lint``: tht-gen lint against upstream's tools/yaml-validate.py (run as upstream's
tox runs it: ``yaml-validate.py . --skip-dir .tox --skip-dir releasenotes --skip-dir
zuul.d`` from the tree) on the upstream 18.0.0 tree rendered by upstream's own
process-templates.py, with its default roles and with all 55 roles. tht-gen lints
every YAML file of the tree (release notes included): *cold* with an empty result
cache (all cores, and one core), *warm* with the cache of a previous run (no file
changed: the edit-lint loop), as the Quick start installs tht-gen (no ansible-core:
with ansible-core in this environment, those rows turn U006 off), and, when
ansible-core is here, *cold +ansible* with U006 asking ansible-core. Every run is a
fresh process, alternating; exit codes are not judged (both tools report findings
on that tree).

``--readme`` rewrites the table between the bench markers in README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.upstream import all_roles_file, upstream_tree  # noqa: E402


def timed(argv: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one command; raises if it exits with a code not
    in ``ok`` (a linter reporting findings exits 1)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        raise RuntimeError(f"{' '.join(argv)} failed ({code}): {stderr[-1000:]}")
    return elapsed, usage.ru_maxrss


def summary(row: dict[str, object], times: dict[str, list[float]], memory: dict[str, list[int]]) -> dict[str, object]:
    """``row`` with each scenario's median seconds, peak MiB and ratio to upstream's median."""
    upstream_median = statistics.median(times["upstream"])
    for key in times:
        median = statistics.median(times[key])
        row[f"{key}_s"] = round(median, 3)
        row[f"{key}_mib"] = round(max(memory[key]) / 1024, 1)
        if key != "upstream":
            row[f"{key}_x"] = round(upstream_median / median, 1)
    print(json.dumps(row), file=sys.stderr)
    return row


def _tht_gen() -> str:
    """The tht-gen of this interpreter's environment (a tht-gen elsewhere on PATH may
    belong to another installation, or fail to import)."""
    beside = Path(sys.executable).parent / "tht-gen"
    found = str(beside) if beside.is_file() else shutil.which("tht-gen")
    if found is None:
        raise SystemExit("no tht-gen next to this Python nor on PATH: pip install -e . first")
    return found


def _has_ansible(tht_gen: str) -> bool:
    """Whether the tht-gen being measured can import ansible-core (then U006 runs)."""
    python = Path(tht_gen).with_name("python")
    python = python if python.is_file() else Path(sys.executable)
    probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('ansible') is None)"
    return subprocess.run([str(python), "-c", probe], check=False).returncode == 0


def scratch_root() -> str | None:
    """tmpfs when there is one: both tools write ~2,000 files a run, and a virtual
    disk's journal otherwise adds more noise than the difference being measured."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def bench_render(runs: int) -> list[dict[str, object]]:
    tree = upstream_tree()
    work = Path(tempfile.mkdtemp(prefix="tht-gen-bench-", dir=scratch_root()))
    tht_gen = _tht_gen()
    results: list[dict[str, object]] = []
    try:
        role_sets = {
            "default (5 roles)": Path("roles_data.yaml"),
            "all roles (55)": all_roles_file(tree, work / "roles55.yaml"),
            "4x all roles (220)": all_roles_file(tree, work / "roles220.yaml", copies=4),
        }
        for label, roles in role_sets.items():
            times: dict[str, list[float]] = {k: [] for k in ("upstream", "cold", "compiled", "warm",
                                                             "incremental")}
            memory: dict[str, list[int]] = {k: [] for k in times}
            warm_cache = work / f"cache-warm-{len(results)}"
            # Python's own bytecode cache on, as on a user's machine (this
            # workplace sets PYTHONDONTWRITEBYTECODE, which would recompile
            # tht-gen's modules on every start).
            base_env = dict(os.environ)
            base_env.pop("PYTHONDONTWRITEBYTECODE", None)
            base_env.pop("PYTHONUNBUFFERED", None)  # buffered output, as on a user's machine
            base_env.pop("THT_GEN_TRACE", None)
            # prime the warm cache once, outside the measurements
            timed([tht_gen, "render", "-q", "-p", str(tree), "-r", str(roles), "-o",
                   str(work / "prime")], work, {**base_env, "THT_GEN_CACHE_DIR": str(warm_cache)})
            incremental_out = work / "prime"
            # the same compiled templates, and a file where the store of rendered
            # files would go: tht-gen then has no store (an unwritable cache is skipped)
            compiled_cache = work / f"cache-compiled-{len(results)}"
            shutil.copytree(warm_cache, compiled_cache)
            for store in compiled_cache.glob("outputs-*"):
                shutil.rmtree(store)
                store.write_text("")
            count = runs if "220" not in label else max(1, (runs + 1) // 2)
            for i in range(count):
                out = work / f"out-{len(results)}-{i}"
                out.mkdir()
                up = timed([sys.executable, "tools/process-templates.py", "-p", ".", "-r", str(roles),
                            "-o", str(out / "upstream")], tree, base_env)
                cold_cache = work / f"cache-cold-{len(results)}-{i}"
                cold = timed([tht_gen, "render", "-q", "-p", str(tree), "-r", str(roles), "-o",
                              str(out / "cold")], work, {**base_env, "THT_GEN_CACHE_DIR": str(cold_cache)})
                compiled = timed([tht_gen, "render", "-q", "-p", str(tree), "-r", str(roles), "-o",
                                  str(out / "compiled")], work,
                                 {**base_env, "THT_GEN_CACHE_DIR": str(compiled_cache)})
                warm = timed([tht_gen, "render", "-q", "-p", str(tree), "-r", str(roles), "-o",
                              str(out / "warm")], work, {**base_env, "THT_GEN_CACHE_DIR": str(warm_cache)})
                inc = timed([tht_gen, "render", "-q", "-p", str(tree), "-r", str(roles), "-o",
                             str(incremental_out)], work, {**base_env, "THT_GEN_CACHE_DIR": str(warm_cache)})
                for key, (seconds, rss) in (("upstream", up), ("cold", cold), ("compiled", compiled),
                                            ("warm", warm), ("incremental", inc)):
                    times[key].append(seconds)
                    memory[key].append(rss)
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(cold_cache, ignore_errors=True)
            results.append(summary({"roles": label, "runs": count}, times, memory))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def bench_lint(runs: int) -> list[dict[str, object]]:
    tree = upstream_tree()
    work = Path(tempfile.mkdtemp(prefix="tht-gen-bench-lint-", dir=scratch_root()))
    tht_gen = _tht_gen()
    base_env = dict(os.environ)
    base_env.pop("PYTHONDONTWRITEBYTECODE", None)
    base_env.pop("PYTHONUNBUFFERED", None)
    base_env.pop("THT_GEN_TRACE", None)
    results: list[dict[str, object]] = []
    ansible = _has_ansible(tht_gen)
    no_ansible = work / "no-ansible.tht-gen.yaml"
    no_ansible.write_text("lint:\n  rules:\n    U006: off\n")
    try:
        role_sets = {
            "default (5 roles)": Path("roles_data.yaml"),
            "all roles (55)": all_roles_file(tree, work / "roles55.yaml"),
        }
        for label, roles in role_sets.items():
            rendered = work / f"rendered-{len(results)}"
            subprocess.run([sys.executable, "tools/process-templates.py", "-p", ".", "-r",
                            str(roles), "-o", str(rendered)], cwd=tree, check=True,
                           capture_output=True)
            files = sum(1 for p in rendered.rglob("*.yaml") if p.is_file())
            cold_cache = work / "cache-cold"
            warm_env = {**base_env, "THT_GEN_CACHE_DIR": str(work / "cache-warm")}
            cold_env = {**base_env, "THT_GEN_CACHE_DIR": str(cold_cache)}
            full_argv = [tht_gen, "lint", "--format", "json", "."]
            # As the Quick start installs tht-gen (no extras): ansible-core is not
            # there and U006 does not run. With ansible-core in this environment,
            # U006 is turned off for those rows, and "cold, +ansible-core" measures
            # the extra check (ansible-core's own task parser, in a child process).
            lint_argv = full_argv
            if ansible:
                lint_argv = [*full_argv[:-1], "--config", str(no_ansible), "."]
            commands = {
                "upstream": ([sys.executable, "tools/yaml-validate.py", ".", "--skip-dir", ".tox",
                              "--skip-dir", "releasenotes", "--skip-dir", "zuul.d"], base_env),
                "cold": (lint_argv, cold_env),
                "cold -j1": ([*lint_argv[:-1], "-j", "1", "."], cold_env),
                "warm": (lint_argv, warm_env),
            }
            if ansible:
                commands["cold +ansible"] = (full_argv, cold_env)
            # one unmeasured run of each: the page cache and Python's bytecode warm for
            # all alike, and tht-gen's result cache primed for "warm"
            for name, (argv, env) in commands.items():
                shutil.rmtree(cold_cache, ignore_errors=True)
                timed(argv, rendered, env, ok=(0, 1))
                if name != "upstream":
                    # findings exit 1 like a crash would: check that it really linted
                    out = subprocess.run(argv, cwd=rendered, env=env, capture_output=True, text=True)
                    if not isinstance(json.loads(out.stdout or "null"), list):
                        raise RuntimeError(f"{' '.join(argv)} gave no findings list: {out.stderr[-500:]}")
            times: dict[str, list[float]] = {k: [] for k in commands}
            memory: dict[str, list[int]] = {k: [] for k in commands}
            for _ in range(runs):
                for key, (argv, env) in commands.items():
                    shutil.rmtree(cold_cache, ignore_errors=True)
                    seconds, rss = timed(argv, rendered, env, ok=(0, 1))
                    times[key].append(seconds)
                    memory[key].append(rss)
            results.append(summary({"tree": label, "files": files, "runs": runs}, times, memory))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def lint_table(rows: list[dict[str, object]]) -> str:
    extra = any("cold +ansible_s" in r for r in rows)
    lines = [
        "| rendered upstream tree | YAML files | yaml-validate.py | cold | cold, 1 core | warm "
        + ("| cold, +ansible-core (U006) " if extra else "")
        + "| peak MiB (upstream / cold) |",
        "|---|---|---|---|---|---|" + ("---|" if extra else "") + "---|",
    ]
    for r in rows:
        more = ""
        if extra:
            more = (f" {r['cold +ansible_s']:.2f} s (**{r['cold +ansible_x']}x**) |"
                    if "cold +ansible_s" in r else " - |")
        lines.append(
            f"| {r['tree']} | {r['files']} | {r['upstream_s']:.2f} s | {r['cold_s']:.2f} s "
            f"(**{r['cold_x']}x**) | {r['cold -j1_s']:.2f} s (**{r['cold -j1_x']}x**) | "
            f"{r['warm_s']:.2f} s (**{r['warm_x']}x**) |{more} {r['upstream_mib']} / {r['cold_mib']} |")
    return "\n".join(lines)


def render_table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| roles | upstream | cold | warm, compiled templates only | warm | incremental "
        "| peak MiB (upstream / cold / warm) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['roles']} | {r['upstream_s']:.2f} s | {r['cold_s']:.2f} s (**{r['cold_x']}x**) | "
            f"{r['compiled_s']:.2f} s (**{r['compiled_x']}x**) | "
            f"{r['warm_s']:.2f} s (**{r['warm_x']}x**) | {r['incremental_s']:.2f} s "
            f"(**{r['incremental_x']}x**) | {r['upstream_mib']} / {r['cold_mib']} / {r['warm_mib']} |"
        )
    return "\n".join(lines)


def update_readme(section: str, table: str) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    begin, end = f"<!-- bench:{section}:begin -->", f"<!-- bench:{section}:end -->"
    if begin not in text or end not in text:
        raise SystemExit(f"README.md has no {begin} ... {end} markers")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    stamp = (f"<!-- generated by `python tools/bench.py {section} --readme` on "
             f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python "
             f"{sys.version.split()[0]}, outputs on {scratch_root() or 'disk'} -->")
    readme.write_text(f"{head}{begin}\n{stamp}\n{table}\n{end}{tail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["render", "lint"])
    parser.add_argument("--runs", type=int, default=5, help="runs per scenario (220 roles: half)")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args()
    if args.what == "lint":
        table = lint_table(bench_lint(args.runs))
    else:
        table = render_table(bench_render(args.runs))
    print(table)
    if args.readme:
        update_readme(args.what, table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
