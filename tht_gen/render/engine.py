"""Render a template tree: plan, render (in parallel), check, write atomically."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ..cachedir import cache_dir
from ..diagnostics import Diagnostic, Location, Severity, UserError, display_path, has_errors
from ..forking import fork_is_safe
from ..library import Library, resolve_library
from ..yamlio import YamlSyntaxError, check_syntax, load_data
from . import environment as envmod
from .data import DEFAULT_NETWORK_DATA, DEFAULT_ROLES_DATA, TreeData, load_tree_data
from .errors import source_of_output_line, template_position
from .fingerprint import job_keys, static_includes
from .plan import Job, Plan, make_plan
from .store import OutputStore
from .writer import (
    Manifest,
    Staging,
    StatKey,
    UnsafeOutputPath,
    digest,
    manifest_store,
    read_bytes,
    read_file,
    remove_files,
    safe_join,
    safe_relative,
    stat_key,
)

ProgressCallback = Callable[[int, int], None]

# THT_GEN_TRACE=1 prints how long each phase took (stderr), for tools/bench.py
# and for anyone asking why a run is slow.
_TRACE = bool(os.environ.get("THT_GEN_TRACE"))
_T0 = time.perf_counter()


def _trace(label: str) -> None:
    if _TRACE:
        import sys
        print(f"[trace {os.getpid()}] {time.perf_counter() - _T0:7.3f} {label}", file=sys.stderr)


# Below this many rendered files a process pool costs more than it saves.
PARALLEL_MIN_JOBS = 48


@dataclass
class RenderResult:
    """What a render run did. Paths in the lists are relative to :attr:`output_root`."""

    base: Path
    output_root: Path
    plan: Plan | None = None
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    contents: dict[str, bytes] | None = None
    elapsed: float = 0.0
    usage_error: bool = False
    mode: str = "render"  # render, check, dry-run or clean
    # sha256 of every output's content as rendered or copied in this run, and
    # the stat of outputs and copy sources as found before writing
    digests: dict[str, str] = field(default_factory=dict, repr=False)
    target_keys: dict[str, StatKey | None] = field(default_factory=dict, repr=False)
    source_keys: dict[str, StatKey | None] = field(default_factory=dict, repr=False)
    # rendered output -> [input fingerprint, undefined uses] for the manifest
    inputs: dict[str, list[Any]] = field(default_factory=dict, repr=False)
    # how many rendered files were known up to date without rendering them
    avoided: int = 0
    # how many were read from the store of earlier renderings instead of rendered
    reused: int = 0

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics) and not self.usage_error

    @property
    def exit_code(self) -> int:
        if self.usage_error:
            return 2
        if has_errors(self.diagnostics) or self.stale:
            return 1
        return 0

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.WARNING]


def _resolve_data_path(base: Path, value: str | os.PathLike[str] | None,
                       defaults: Sequence[str], explicit_base: bool) -> Path:
    if value is None:
        for name in defaults:
            if (base / name).is_file():
                return base / name
        return base / defaults[0]
    path = Path(value)
    if path.is_absolute():
        return path
    under_base = base / path
    # Upstream resolves -r/-n against -p. When -p was not given (the shipped
    # library), a relative path the user typed most likely means the cwd.
    if under_base.exists() and explicit_base:
        return under_base
    if path.exists():
        return path
    return under_base


def _walk(library: Library, skip: Sequence[Path]) -> tuple[list[str], list[str]]:
    """Every file and folder of the tree (posix, relative), hidden ones left out as upstream does."""
    root = library.root
    skip_real = {os.path.realpath(s) for s in skip}
    # realpath costs a system call per path component: only resolve folders
    # that carry the name of one being skipped.
    skip_names = {os.path.basename(s) for s in skip_real}
    found: list[str] = []
    folders: list[str] = []
    starts = library.items if library.items is not None else (".",)
    for item in starts:
        top = root / item
        if top.is_file():
            if not top.name.startswith("."):
                found.append(item)
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(
                d for d in dirs
                if not d.startswith(".") and not (
                    d in skip_names and os.path.realpath(os.path.join(folder, d)) in skip_real)
            )
            rel_folder = os.path.relpath(folder, root)
            prefix = "" if rel_folder == "." else rel_folder.replace(os.sep, "/") + "/"
            if prefix:
                folders.append(prefix[:-1])
            found.extend(prefix + f for f in files if not f.startswith("."))
    return found, folders


def _read_excludes(root: Path) -> list[str]:
    path = root / "j2_excludes.yaml"
    if not path.is_file():
        return []
    try:
        data = load_data(path.read_text(encoding="utf-8")) or {}
    except (YamlSyntaxError, OSError, UnicodeDecodeError):
        return []
    names = data.get("name") if isinstance(data, dict) else None
    return [str(n) for n in names or [] if isinstance(n, str)]


# --- the per-process rendering state -------------------------------------------------------

@dataclass
class _State:
    env: envmod.TreeEnvironment
    sources: dict[str, str]
    roles: list[dict[str, Any]]
    networks: list[dict[str, Any]]
    role_by_name: dict[str, dict[str, Any]]
    network_by_name: dict[str, dict[str, Any]]
    known_good: frozenset[str]
    jobs: tuple[Job, ...]


@dataclass
class _Outcome:
    index: int
    data: bytes | None  # the rendered file, encoded once, here, for its digest and the parent
    digest: str | None
    newly_checked: bool = False
    # (rule, file, line, column, message, origin file, origin line)
    problems: list[tuple[str, str, int, int, str, str | None, int | None]] = field(default_factory=list)
    undefined: list[envmod.UndefinedUse] = field(default_factory=list)


_STATE: _State | None = None


def _context(state: _State, job: Job) -> dict[str, Any]:
    if job.kind == "role":
        role = state.role_by_name[job.role or ""]
        # Upstream passes the role's name alone to templates that never
        # mention {{role.name}} (the pre-composable-roles convention).
        if "{{role.name}}" in state.sources[job.source]:
            return {"role": role, "networks": state.networks}
        return {"role": role["name"], "networks": state.networks}
    if job.kind == "network":
        return {"network": state.network_by_name[job.network or ""]}
    return {"roles": state.roles, "networks": state.networks}


def _render_job(index: int) -> _Outcome:
    state = _STATE
    assert state is not None
    job = state.jobs[index]
    outcome = _Outcome(index, None, None)
    if _TRACE:
        _trace(f"job {job.output}")
    envmod.start_recording()
    try:
        template = state.env.get_template(job.source)
        context = _context(state, job)
        text = template.render(context)
    except jinja2.TemplateSyntaxError as exc:
        outcome.problems.append(("R001", exc.name or job.source, exc.lineno or 1, 1,
                                 f"jinja2 syntax error: {exc.message}", None, None))
        return outcome
    except jinja2.TemplateNotFound as exc:
        where = template_position(exc) or (job.source, 1)
        outcome.problems.append(("R002", where[0], where[1], 1,
                                 f"included template not found: {exc.name}{_for(job)}", None, None))
        return outcome
    except Exception as exc:
        where = template_position(exc) or (job.source, 1)
        outcome.problems.append(("R002", where[0], where[1], 1,
                                 f"error while rendering{_for(job)}: {type(exc).__name__}: {exc}",
                                 None, None))
        return outcome
    finally:
        outcome.undefined = envmod.stop_recording()
    outcome.data = text.encode("utf-8")
    digest = hashlib.sha256(outcome.data).hexdigest()
    outcome.digest = digest
    if digest not in state.known_good:
        error = check_syntax(text)
        if error is None:
            outcome.newly_checked = True
        else:
            line, column = error.context or (error.line, error.column)
            origin = source_of_output_line(template, context, text, line, column)
            outcome.problems.append((
                "S000", "@output", error.line, error.column,
                f"rendered file is not valid YAML: {error.message}{_for(job)}",
                origin[0] if origin else None, origin[1] if origin else None))
    return outcome


def _for(job: Job) -> str:
    if job.role is not None:
        return f" (role {job.role})"
    if job.network is not None:
        return f" (network {job.network})"
    return ""


def _checked_store() -> Path | None:
    folder = cache_dir("checked")
    return folder / f"yaml-{_yaml_version()}.txt" if folder else None


def _yaml_version() -> str:
    import yaml
    return str(yaml.__version__)


def _load_known_good(store: Path | None) -> frozenset[str]:
    if store is None:
        return frozenset()
    try:
        return frozenset(store.read_text(encoding="ascii").split())
    except (OSError, UnicodeDecodeError):
        return frozenset()


# The cache of checked digests is bounded so it cannot grow without limit.
_KNOWN_GOOD_MAX = 200_000


def _save_known_good(store: Path | None, old: frozenset[str], new: list[str]) -> None:
    if store is None or not new:
        return
    keep = list(old)[-(_KNOWN_GOOD_MAX - len(new)):] if len(old) + len(new) > _KNOWN_GOOD_MAX else list(old)
    try:
        tmp = store.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("\n".join(keep + new) + "\n", encoding="ascii")
        os.replace(tmp, store)
    except OSError:
        pass


def _compile_template(name: str) -> None:
    """Load one template from the bytecode cache, or compile it into the cache.

    Errors are left for the render that needs the template, which reports
    them with their location.
    """
    state = _STATE
    assert state is not None
    try:
        _trace(f"compile {name}")
        state.env.get_template(name)
    except Exception:
        pass


def _task(task: tuple[str, Any]) -> list[_Outcome]:
    """One unit of a worker's work: compile a template (``"compile"``), or render a job."""
    kind, value = task
    if kind == "compile":
        _compile_template(value)
        return []
    return [_render_job(value)]


def _with_includes(env: envmod.TreeEnvironment, names: Iterable[str],
                   texts: dict[str, str | None]) -> list[str]:
    """``names`` and every file they statically include, transitively (``texts`` caches
    sources read). Includes are found by reading the tag literally; a dynamic name is
    simply compiled when first rendered."""
    found = list(dict.fromkeys(names))
    seen = set(found)
    queue = list(found)
    while queue:
        parent = queue.pop()
        if parent not in texts:
            try:
                texts[parent] = env.load_source(parent)
            except jinja2.TemplateNotFound:
                texts[parent] = None
        text = texts[parent]
        if text is None:
            continue
        for resolved in static_includes(env, parent, text):
            if resolved not in seen and resolved in env.files:
                seen.add(resolved)
                found.append(resolved)
                queue.append(resolved)
    return found


def _tasks(state: _State, order: list[int]) -> list[tuple[str, Any]]:
    """The workers' work, in the order they take it.

    The costliest job (for a big roles file, the overcloud template: about
    as long to compile, render and check as all the other templates take to
    compile) starts at once, compiling what it needs itself; the other
    templates are compiled next
    (each once, by one worker, through the bytecode cache the others then
    read), then the other jobs render, the costliest first. No worker waits
    for all compilation to end before rendering.
    """
    if not order:
        return []
    first = [("render", order[0])]
    rest: list[tuple[str, Any]] = [("render", index) for index in order[1:]]
    if state.env.bytecode_cache is None:
        # Compiled code cannot be shared: each worker compiles what it renders.
        return first + rest
    texts: dict[str, str | None] = dict(state.sources)
    own = set(_with_includes(state.env, [state.jobs[order[0]].source], texts))
    wanted = _with_includes(state.env, [state.jobs[i].source for i in order], texts)
    # Compiled by an earlier run: each worker loads what it renders, and a
    # task loading it first would only add a load.
    sized = sorted(((len(texts[name] or ""), name) for name in wanted
                    if name not in own and texts.get(name) is not None
                    and not state.env.has_bytecode(name)), reverse=True)
    return first + [("compile", name) for _, name in sized] + rest


class _Runner:
    """Renders jobs, in forked workers (:mod:`tht_gen.workers`) when there are enough.

    The workers start as soon as the runner is made, with the jobs in the
    order given (see :func:`_tasks`), possibly while the parent is still
    working out which files need rendering at all and copying the others;
    :meth:`submit` confirms the jobs (a different list starts the work
    again) and :meth:`results` yields their outcomes as they come.
    """

    def __init__(self, state: _State, jobs: int, order: list[int]) -> None:
        global _STATE
        _STATE = state
        self.state = state
        self.jobs = jobs
        self.order = list(order)
        self.pool: Any = None
        self._start()

    def _start(self) -> None:
        if self.jobs > 1 and len(self.order) >= PARALLEL_MIN_JOBS and fork_is_safe():
            from ..workers import Pool

            tasks = _tasks(self.state, self.order)
            self.pool = Pool(len(tasks), lambda n: _task(tasks[n]), min(self.jobs, len(self.order)))

    def submit(self, order: list[int]) -> None:
        if order != self.order:
            self.close()
            self.order = list(order)
            self._start()

    def results(self) -> Generator[_Outcome, None, None]:
        global _STATE
        try:
            if self.pool is not None:
                yield from self.pool.results()
            else:
                for index in self.order:
                    yield _render_job(index)
        finally:
            self.close()
            _STATE = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None


def _cost(job: Job, sources: dict[str, str], roles: int) -> int:
    size = len(sources.get(job.source, ""))
    return size * max(roles, 1) if job.kind == "global" else size


# --- the public entry point ----------------------------------------------------------------

def render(
    base_path: str | os.PathLike[str] | None = None,
    roles_data: str | os.PathLike[str] | None = None,
    network_data: str | os.PathLike[str] | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    *,
    safe: bool = False,
    clean: bool = False,
    dry_run: bool = False,
    check: bool = False,
    jobs: int | None = None,
    strict: bool = False,
    use_cache: bool = True,
    keep_contents: bool = False,
    progress: ProgressCallback | None = None,
) -> RenderResult:
    """The implementation of :func:`tht_gen.render.render` (see its documentation)."""
    started = time.perf_counter()
    library = resolve_library(None if base_path is None else Path(base_path))
    base = library.root
    out_root = Path(output_dir) if output_dir is not None else base
    mode = "clean" if clean else "check" if check else "dry-run" if dry_run else "render"
    result = RenderResult(base=base, output_root=out_root, mode=mode)
    try:
        _render_into(result, library, roles_data, network_data, output_dir is not None,
                     base_path is not None, safe=safe, clean=clean, dry_run=dry_run, check=check,
                     jobs=jobs or os.cpu_count() or 1, strict=strict, use_cache=use_cache,
                     keep_contents=keep_contents, progress=progress)
    except UserError as exc:
        result.diagnostics.extend(exc.diagnostics)
        result.usage_error = exc.exit_code == 2
    except (UnsafeOutputPath, OSError) as exc:
        result.diagnostics.append(Diagnostic(Location(display_path(out_root)), "R020",
                                             Severity.ERROR, str(exc)))
        result.usage_error = True
    result.diagnostics.sort()
    result.elapsed = time.perf_counter() - started
    return result


def _render_into(
    result: RenderResult, library: Library, roles_data: Any, network_data: Any,
    copy_others: bool, explicit_base: bool, *, safe: bool, clean: bool, dry_run: bool,
    check: bool, jobs: int, strict: bool, use_cache: bool, keep_contents: bool,
    progress: ProgressCallback | None,
) -> None:
    base = library.root
    if not base.is_dir():
        raise UserError.single(display_path(base), "template folder not found", "R020")
    out_root = result.output_root
    if out_root.exists() and not out_root.is_dir():
        raise UserError.single(display_path(out_root), "output path exists and is not a folder",
                               "R020")
    roles_path = _resolve_data_path(base, roles_data, (DEFAULT_ROLES_DATA,), explicit_base)
    networks_path = _resolve_data_path(base, network_data, DEFAULT_NETWORK_DATA, explicit_base)
    _trace("start")
    data: TreeData = load_tree_data(roles_path, display_path(roles_path),
                                    networks_path, display_path(networks_path))
    result.diagnostics.extend(data.diagnostics)

    skip = [out_root] if copy_others else []
    _trace("data loaded")
    files, folders = _walk(library, skip)
    _trace("walked")
    plan = make_plan(files, data.roles, data.networks, copy_others=copy_others,
                     excludes=_read_excludes(base), folders=folders)
    result.plan = plan
    for conflict in plan.conflicts:
        who = ", ".join(
            f"{j.source}" + (f" for role {j.role}" if j.role else "") +
            (f" for network {j.network}" if j.network else "") for j in conflict.jobs)
        result.diagnostics.append(Diagnostic(
            Location(display_path(base / conflict.jobs[0].source)), "R011", Severity.ERROR,
            f"several templates would write {conflict.output}: {who}"))
    for job in plan.jobs:
        if safe_relative(job.output) != job.output:  # raises if it leaves the output folder
            raise UnsafeOutputPath(f"output path {job.output!r} is not normalised")
    if has_errors(result.diagnostics):
        return

    manifest = Manifest.load(manifest_store(cache_dir("manifests"), out_root)
                             if use_cache else None)
    if clean:
        _clean(result, plan, base, out_root, manifest)
        return

    if safe and not dry_run and not check:
        for job in plan.jobs:
            target = safe_join(out_root, job.output)
            if os.path.exists(target):
                result.diagnostics.append(Diagnostic(
                    Location(display_path(target)), "R021", Severity.ERROR,
                    "output file already exists and --safe forbids overwriting it"))
        if has_errors(result.diagnostics):
            return

    _trace("planned")
    env = envmod.TreeEnvironment(base, frozenset(files), use_cache=use_cache)
    sources = {source: env.load_source(source) for source in {j.source for j in plan.rendered}}
    checked_store = _checked_store() if use_cache else None
    known_good = _load_known_good(checked_store)
    state = _State(
        env=env, sources=sources, roles=data.roles, networks=data.networks,
        role_by_name={str(r["name"]): r for r in data.roles},
        network_by_name={str(n["name"]): n for n in data.networks if n.get("enabled") is not False},
        known_good=known_good, jobs=plan.rendered,
    )
    roles_count = len(data.roles)
    order = sorted(range(len(plan.rendered)),
                   key=lambda i: -_cost(plan.rendered[i], sources, roles_count))
    writing = not (check or dry_run)
    staging = Staging(out_root) if writing else None
    store = OutputStore(cache_dir("outputs") if use_cache else None)
    try:
        _produce(result, plan, base, out_root, state, order, jobs, strict, manifest, staging,
                 keep_contents, progress, checked_store, known_good, store)
        if staging is None or has_errors(result.diagnostics):
            return
        for folder in plan.folders:
            staging.add_folder(folder)
        _trace("produced")
        result.written = staging.commit()
        _trace("committed")
        _update_manifest(result, plan, base, out_root, manifest)
        _trace("manifest saved")
    finally:
        if staging is not None:
            staging.abort()


def _produce(
    result: RenderResult, plan: Plan, base: Path, out_root: Path, state: _State,
    order: list[int], jobs: int, strict: bool, manifest: Manifest, staging: Staging | None,
    keep_contents: bool, progress: ProgressCallback | None, checked_store: Path | None,
    known_good: frozenset[str], store: OutputStore,
) -> None:
    """Render every job and stage what changed; copies are handled while the workers render."""
    out_exists = out_root.is_dir()
    out_dir = os.fspath(out_root)
    target_keys = result.target_keys
    source_keys = result.source_keys
    changed: list[str] = []
    contents: dict[str, bytes] | None = {} if keep_contents else None
    _trace("sources read")
    # Nothing can be skipped in a folder this tool has no record of: start the
    # workers now, and work out the fingerprints while they compile.
    runner: _Runner | None = None
    if not any(job.output in manifest.inputs for job in plan.rendered) and store.maybe_empty():
        runner = _Runner(state, jobs, order)
        _trace("runner started early")
    avoided_uses: list[tuple[Job, list[envmod.UndefinedUse]]] = []
    reused: list[tuple[Job, bytes, list[Any], str]] = []
    if manifest.store is not None or store.folder is not None:
        keys = job_keys(state.env, plan.rendered, state.sources, lambda job: _context(state, job))
        remaining = []
        for index in order:
            job, key = plan.rendered[index], keys[index]
            recorded = manifest.inputs.get(job.output)
            target_key = stat_key(os.path.join(out_dir, job.output)) if out_exists else None
            known = manifest.known_digest(job.output, target_key)
            if key is not None and recorded and recorded[0] == key and known is not None \
                    and contents is None:
                # Same inputs as when this file was written, and the file
                # is as written: rendering again would give the same bytes.
                target_keys[job.output] = target_key
                result.digests[job.output] = known
                result.unchanged.append(job.output)
                result.inputs[job.output] = recorded
                avoided_uses.append((job, [envmod.UndefinedUse(*u) for u in recorded[1]]))
                continue
            stored = store.get(key) if runner is None else None
            if stored is not None:
                result.inputs[job.output] = [key, stored[1]]
                reused.append((job, *stored))
                continue
            result.inputs[job.output] = [key, []]
            remaining.append(index)
        result.reused = len(reused)
        result.avoided = len(order) - len(remaining) - result.reused
        order = remaining
        _trace(f"{result.avoided} up to date, {result.reused} from the store")
    if runner is None:
        runner = _Runner(state, jobs, order)
        _trace("runner started")
    runner.submit(order)
    outcomes = runner.results()

    def consider(output: str, data: bytes, mode: int | None, target_key: StatKey | None,
                 rendered: bool, known_digest: str | None = None) -> None:
        if contents is not None:
            contents[output] = data
        # Copies are tracked by stat alone; only rendered files need a digest
        # to tell a new rendering from the file on disk without reading it.
        new_digest = (known_digest or digest(data)) if rendered else ""
        result.digests[output] = new_digest
        if target_key is not None:
            known = manifest.known_digest(output, target_key) if rendered else None
            if known is not None:
                same = known == new_digest
            else:
                same = target_key[0] == len(data) and \
                    read_bytes(os.path.join(out_dir, output)) == data
            if same:
                result.unchanged.append(output)
                return
        changed.append(output)
        if staging is not None and not has_errors(result.diagnostics):
            staging.add(output, data, mode)

    try:
        # Copies first: this is I/O the parent can do while the pool renders.
        base_dir = os.fspath(base)
        for job in plan.copies:
            source = os.path.join(base_dir, job.source)
            st = os.stat(source)
            source_key = (st.st_size, st.st_mtime_ns, st.st_ino)
            target_key = stat_key(os.path.join(out_dir, job.output)) if out_exists else None
            target_keys[job.output] = target_key
            source_keys[job.output] = source_key
            if contents is None and manifest.copy_is_current(job.output, source_key, target_key):
                result.unchanged.append(job.output)
                result.digests[job.output] = ""
                continue
            if contents is None and target_key is None:
                # new in the output: nothing to compare, so the bytes need not be read here
                result.digests[job.output] = ""
                changed.append(job.output)
                if staging is not None and not has_errors(result.diagnostics):
                    staging.add_copy(job.output, source, st.st_mode & 0o7777)
                continue
            consider(job.output, read_file(source), st.st_mode & 0o7777, target_key, False)

        seen: set[tuple[str, str, int, str]] = set()
        undefined: dict[tuple[str, int, int, str], list[str]] = {}

        def record_undefined(job: Job, uses: list[envmod.UndefinedUse]) -> None:
            for use in uses:
                who = undefined.setdefault((use.template, use.line, use.column, use.message), [])
                name = job.role or job.network
                if name and name not in who:
                    who.append(name)

        for job, uses in avoided_uses:
            record_undefined(job, uses)
        new_good: list[str] = []
        total = len(plan.rendered)
        done = result.avoided
        for job, data, stored_uses, stored_digest in reused:
            done += 1
            if progress:
                progress(done, total)
            record_undefined(job, [envmod.UndefinedUse(*u) for u in stored_uses])
            target_key = stat_key(os.path.join(out_dir, job.output)) if out_exists else None
            target_keys[job.output] = target_key
            consider(job.output, data, None, target_key, True, stored_digest)
        _trace("copies handled")
        for outcome in outcomes:
            done += 1
            if progress:
                progress(done, total)
            job = plan.rendered[outcome.index]
            for rule, file, line, column, message, origin_file, origin_line in outcome.problems:
                if file == "@output":
                    location = Location(display_path(safe_join(out_root, job.output)), line, column)
                    origin = Location(display_path(base / origin_file), origin_line) \
                        if origin_file else None
                else:
                    location = Location(display_path(base / file), line, column)
                    origin = None
                seen_key = (rule, location.file, line, message.split(" (role ")[0])
                if seen_key not in seen:
                    seen.add(seen_key)
                    result.diagnostics.append(
                        Diagnostic(location, rule, Severity.ERROR, message, origin))
            record_undefined(job, outcome.undefined)
            recorded_uses = [list(vars(u).values()) for u in outcome.undefined]
            if job.output in result.inputs:
                result.inputs[job.output][1] = recorded_uses
            if outcome.data is not None:
                if outcome.newly_checked and outcome.digest:
                    new_good.append(outcome.digest)
                target_key = stat_key(os.path.join(out_dir, job.output)) if out_exists else None
                target_keys[job.output] = target_key
                data = outcome.data
                consider(job.output, data, None, target_key, True, outcome.digest)
                # Kept the second time the same content is rendered (its digest was
                # checked by an earlier run): a one-off render pays nothing for the store.
                if not outcome.problems and not outcome.newly_checked and job.output in result.inputs:
                    store.put(result.inputs[job.output][0], data, recorded_uses, outcome.digest)
    finally:
        outcomes.close()
        runner.close()

    level = Severity.ERROR if strict else Severity.WARNING
    rank = {name: i for i, name in enumerate(
        [str(r["name"]) for r in state.roles] + [str(n["name"]) for n in state.networks])}
    for (template, line, column, message), who in sorted(undefined.items()):
        suffix = ""
        who = sorted(who, key=lambda name: rank.get(name, len(rank)))
        if who:
            shown = ", ".join(who[:5]) + (f" and {len(who) - 5} more" if len(who) > 5 else "")
            suffix = f" (for {shown})"
        result.diagnostics.append(Diagnostic(
            Location(display_path(base / template), line, column), "R003", level,
            f"{message}: it renders as an empty value{suffix}",
            hint="use '| default(...)' or test it with 'is defined'"))
    _save_known_good(checked_store, known_good, new_good)
    store.prune()
    result.contents = contents
    changed.sort()
    result.unchanged.sort()
    if staging is None:
        if result.mode == "check":
            result.stale = changed
        else:
            result.written = changed


def _clean(result: RenderResult, plan: Plan, base: Path, out_root: Path,
           manifest: Manifest) -> None:
    """Delete what a render generates: rendered files, copies still equal to their
    source, and files this tool wrote before that are still as it wrote them."""
    targets = {j.output for j in plan.rendered}
    for job in plan.copies:
        existing = read_bytes(safe_join(out_root, job.output))
        if existing is not None and existing == read_bytes(os.path.join(base, job.source)):
            targets.add(job.output)
    for path, record in manifest.files.items():
        if stat_key(safe_join(out_root, path)) == record[:3]:
            targets.add(path)
    result.deleted = remove_files(out_root, sorted(targets))
    manifest.files = {k: v for k, v in manifest.files.items() if k not in targets}
    manifest.sources = {k: v for k, v in manifest.sources.items() if k not in targets}
    manifest.save()


def _update_manifest(result: RenderResult, plan: Plan, base: Path, out_root: Path,
                     manifest: Manifest) -> None:
    """Record what is now on disk, and drop stale files this tool generated before."""
    if manifest.store is None:
        return
    planned = {job.output for job in plan.jobs}
    stale = [path for path, record in manifest.files.items()
             if path not in planned and stat_key(safe_join(out_root, path)) == record[:3]]
    result.deleted = remove_files(out_root, sorted(stale))
    files: dict[str, tuple[int, int, int, str]] = {}
    sources: dict[str, StatKey] = {}
    written = set(result.written)
    out_dir = os.fspath(out_root)
    for job in plan.jobs:
        key = stat_key(os.path.join(out_dir, job.output)) if job.output in written \
            else result.target_keys.get(job.output)
        if key is None:
            continue
        old = manifest.files.get(job.output)
        if job.output not in written and old is not None and old[:3] == key:
            files[job.output] = old
        elif job.output in result.digests:
            files[job.output] = (*key, result.digests[job.output])
        if not job.rendered:
            source_key = result.source_keys.get(job.output)
            if source_key is not None:
                sources[job.output] = source_key
    manifest.files, manifest.sources = files, sources
    manifest.inputs = {k: v for k, v in result.inputs.items() if v[0] is not None and k in files}
    manifest.save()
