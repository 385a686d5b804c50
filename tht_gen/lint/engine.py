"""The lint engine: find the files, parse each once, run the rules in parallel, locate findings.

Flow: the targets (folders and files) become a list of files to lint, each
with the tree it belongs to; a source tree (jinja2 templates not rendered
yet) is rendered in memory first. Workers (forked processes, as the renderer
uses) read and parse each file once, classify it by content, run every
per-file rule on the shared parse, turn findings into located diagnostics,
and collect each tree rule's facts. The main process then runs the tree
rules over those facts, applies the configuration and returns a report.
Nothing prints; nothing is written.
"""

from __future__ import annotations

import os
import posixpath
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..codeversion import code_fingerprint
from ..diagnostics import Diagnostic, Location, Report, Severity, UserError, display_path
from ..forking import fork_is_safe
from ..gctune import fewer_collections
from ..model.classify import FileKind, classify, may_need_model
from ..yamlio import Document, YamlSyntaxError, check_syntax, compose_document, load_document
from .cache import ResultCache, content_digest
from .config import CONFIG_NAME, LintConfig, find_config, load_config
from .reach import LINKS, entry_points, links, reachable
from .rules import RULES, FileContext, Finding, Rule, Tree, TreeFacts, TreeRule, lookup

YAML_SUFFIXES = (".yaml", ".yml")
# Folders never walked: tool state, not templates.
SKIP_DIRS = frozenset({".git", ".tox", ".venv", "venv", "node_modules", "__pycache__", ".eggs"})
# Below this many files a process pool costs more than it saves.
PARALLEL_MIN_FILES = 64


@dataclass
class LintReport(Report):
    """The result of :func:`lint`: diagnostics sorted by file, line and column."""

    elapsed: float = 0.0
    config: str | None = None  # the configuration file used, if any
    kinds: dict[str, str] = field(default_factory=dict)  # checked file -> its kind


@dataclass
class LintedTree:
    """One tree as the engine saw it, for extra passes (e.g. a Heat validation pass):
    its root (None when rendered in memory), every file's kind and a way to read a file."""

    root: Path | None
    kinds: dict[str, FileKind]
    read: Callable[[str], str | None]
    display: Callable[[str], str]
    folder: Path | None = None  # the folder as given (a source tree when root is None)


# An engine-level pass over a whole tree, run after the rules (see ``passes`` in lint()).
TreePass = Callable[[LintedTree], Iterable[Diagnostic]]


@dataclass
class _Target:
    """A folder (a tree) or a single file, as linted."""

    root: Path | None            # the folder on disk (None: rendered in memory)
    files: list[str]             # the YAML files to lint, posix, relative to the tree
    tree: Tree
    prefix: str                  # what to put before a relative path when showing it
    is_tree: bool                # tree rules run only on folders
    contents: dict[str, bytes] | None = None
    sources: Any = None          # render context for origins (source trees only)

    def display(self, relative: str) -> str:
        return f"{self.prefix}{relative}"

    def read_bytes(self, relative: str) -> bytes | None:
        try:
            if self.contents is not None:
                return self.contents.get(relative)
            assert self.root is not None
            with open(os.path.join(self.root, relative), "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def read(self, relative: str) -> str | None:
        try:
            if self.contents is not None:
                data = self.contents.get(relative)
                return None if data is None else data.decode("utf-8")
            assert self.root is not None
            with open(os.path.join(self.root, relative), encoding="utf-8") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError):
            return None


# --- inline suppression ----------------------------------------------------------------------

_DIRECTIVE = re.compile(r"#\s*tht-gen:\s*(disable-file|disable-line|disable)\s*=\s*([A-Za-z0-9_, -]+)")


@dataclass
class _Suppressions:
    whole_file: set[str] = field(default_factory=set)
    lines: dict[int, set[str]] = field(default_factory=dict)

    def covers(self, rule: type[Rule] | None, rule_id: str, line: int) -> bool:
        keys = {rule_id, "all"} | ({rule.name} if rule else set())
        return bool(keys & self.whole_file or keys & self.lines.get(line, set()))


def _suppressions(text: str) -> _Suppressions | None:
    """``# tht-gen: disable=ID[,ID]`` (or ``disable-line``) on a line silences those rules on
    that line, or on the next line when the comment stands alone; ``disable-file`` silences
    them in the whole file. IDs may be rule names, or ``all``."""
    if "tht-gen:" not in text:
        return None
    found = _Suppressions()
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if "tht-gen:" not in line:
            continue
        match = _DIRECTIVE.search(line)
        if match is None:
            continue
        ids = {part.strip() for part in match.group(2).split(",") if part.strip()}
        ids |= {rule.id for rule in map(lookup, ids) if rule is not None}
        if match.group(1) == "disable-file":
            found.whole_file |= ids
            continue
        target = number
        if not line[:match.start()].strip():
            # A comment on its own line applies to the next line with content.
            target = next((n for n in range(number + 1, len(lines) + 1)
                           if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")),
                          number)
        found.lines.setdefault(target, set()).update(ids)
    return found


# --- the per-file work (runs in the workers) ---------------------------------------------------

@dataclass
class _Job:
    targets: list[_Target]
    items: list[tuple[int, str]]       # (target index, relative path)
    rules: list[Rule]
    tree_rules: list[TreeRule]
    config: LintConfig
    caches: list[ResultCache] | None = None  # per target: results of unchanged files


@dataclass
class _FileResult:
    index: int
    kind: FileKind | None
    diagnostics: list[Diagnostic]
    facts: dict[str, Any]
    digest: bytes | None = None  # the content's, when results are cached
    cached: bool = False         # unchanged since the cached run: take the cached results


_JOB: _Job | None = None


def _finish(finding: Finding, rule_id: str, default: Severity, target: _Target, relative: str,
            doc: Document | None, text: str | None, config: LintConfig,
            suppress: _Suppressions | None) -> Diagnostic | None:
    """Locate a finding and apply the configuration and inline suppression to it."""
    level = config.level(rule_id, default)
    if level is None or config.ignored(rule_id, relative):
        return None
    if finding.at is not None:
        line, column = finding.at
    elif doc is not None:
        mark = doc.locate(finding.path, prefer=finding.prefer)
        line, column = mark.line, mark.column
    else:
        line, column = 1, 1
    if suppress is not None and suppress.covers(RULES.get(rule_id), rule_id, line):
        return None
    return Diagnostic(Location(target.display(relative), line, column, path=finding.path),
                      rule_id, level, finding.message, hint=finding.hint)


def _internal_error(rule: Rule, exc: Exception) -> Finding:
    return Finding((), f"internal error in rule {rule.id} ({rule.name}): "
                       f"{type(exc).__name__}: {exc}; please report it")


def _lint_file(index: int) -> _FileResult:
    job = _JOB
    assert job is not None
    target_index, relative = job.items[index]
    target = job.targets[target_index]
    data = target.read_bytes(relative)
    digest = None
    if job.caches is not None and data is not None:
        digest = content_digest(data)
        if job.caches[target_index].has(relative, digest):
            return _FileResult(index, None, [], {}, digest, cached=True)
    result = _lint_text(index, target, relative, data)
    result.digest = digest
    return result


def _lint_text(index: int, target: _Target, relative: str, data: bytes | None) -> _FileResult:
    job = _JOB
    assert job is not None
    config = job.config
    try:
        text = None if data is None else data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None:
        diag = Diagnostic(Location(target.display(relative), 1, 1), "S000", Severity.ERROR,
                          "cannot read the file as UTF-8 text")
        return _FileResult(index, None, [diag], {})
    suppress = _suppressions(text)

    def syntax_error(error: YamlSyntaxError) -> _FileResult:
        finding = Finding((), f"invalid YAML: {error.message}", at=(error.line, error.column))
        found = _finish(finding, "S000", Severity.ERROR, target, relative, None, text, config,
                        suppress)
        return _FileResult(index, None, [found] if found else [], {})

    if not may_need_model(text):
        # Plainly none of the kinds with rules: a syntax check, no Python objects built.
        error = check_syntax(text)
        return syntax_error(error) if error is not None else _FileResult(index, FileKind.YAML,
                                                                         [], {})
    try:
        doc = load_document(text)
    except YamlSyntaxError as error:
        return syntax_error(error)
    kind = classify(doc.data)
    ctx = FileContext(relative, kind, doc, target.tree, config.options)
    diagnostics: list[Diagnostic] = []
    for rule in job.rules:
        if kind not in rule.kinds:
            continue
        if kind is FileKind.HOT and rule.kinds == {FileKind.HOT} and ctx.template.version is None \
                and rule.id != "H001":
            continue  # everything else depends on the version, which H001 reports
        try:
            findings = list(rule.check(ctx))
        except Exception as exc:
            findings = [_internal_error(rule, exc)]
        for finding in findings:
            located = _finish(finding, rule.id, rule.default_level, target, relative, doc, text,
                              config, suppress)
            if located is not None:
                diagnostics.append(located)
    facts: dict[str, Any] = {}
    if target.is_tree:
        referenced = links(kind, ctx)
        if referenced:
            facts[LINKS] = referenced
        for tree_rule in job.tree_rules:
            if kind in tree_rule.kinds:
                try:
                    value = tree_rule.collect(ctx)
                except Exception as exc:
                    diagnostics.append(Diagnostic(Location(target.display(relative), 1, 1),
                                                  tree_rule.id, Severity.ERROR,
                                                  _internal_error(tree_rule, exc).message))
                    continue
                if value is not None:
                    facts[tree_rule.id] = value
    return _FileResult(index, kind, diagnostics, facts)


def _run(job: _Job, jobs: int) -> Iterator[_FileResult]:
    """Lint every file of the job: in this process, or shared with forked workers.

    The files go out in small batches, the biggest files first (see
    :mod:`tht_gen.workers`): ``jobs - 1`` forked children and this process
    each take the next batch until none is left, so that all finish at about
    the same time whatever each file costs.
    """
    global _JOB
    _JOB = job
    count = len(job.items)
    try:
        if jobs <= 1 or count < PARALLEL_MIN_FILES or not fork_is_safe():
            for index in range(count):
                yield _lint_file(index)
            return
        from ..workers import Pool

        batches = _batches(job, min(jobs, max(1, count // 16)))
        pool = Pool(len(batches), lambda n: [_lint_file(i) for i in batches[n]],
                    min(jobs, len(batches)) - 1)
        try:
            for number in pool.take():
                for index in batches[number]:
                    yield _lint_file(index)
            yield from pool.results()
        finally:
            pool.close()
    finally:
        _JOB = None


# Batches per worker: enough that the last ones are small, few enough that
# taking one costs nothing next to linting it.
_BATCHES_PER_WORKER = 32


def _batches(job: _Job, workers: int) -> list[list[int]]:
    """The files in batches of about equal cost, the costliest files first."""
    sizes = [_size(job.targets[t], rel) + 2048 for t, rel in job.items]  # no file is free
    order = sorted(range(len(sizes)), key=lambda i: -sizes[i])
    limit = max(sum(sizes) // (workers * _BATCHES_PER_WORKER), 1)
    batches: list[list[int]] = []
    current: list[int] = []
    cost = 0
    for index in order:
        current.append(index)
        cost += sizes[index]
        if cost >= limit:
            batches.append(current)
            current, cost = [], 0
    if current:
        batches.append(current)
    return batches


def _size(target: _Target, relative: str) -> int:
    if target.contents is not None:
        return len(target.contents.get(relative, b""))
    assert target.root is not None
    try:
        return os.stat(os.path.join(target.root, relative)).st_size
    except OSError:
        return 0


# --- targets -------------------------------------------------------------------------------

def _walk(root: Path) -> list[str]:
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        rel = os.path.relpath(folder, root)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        found.extend(prefix + f for f in sorted(files) if not f.startswith("."))
    return found


def _needs_render(files: list[str]) -> bool:
    """A source tree whose rendering is not next to it: some ``X.j2.yaml`` (rendered once,
    into ``X.yaml``) has no ``X.yaml`` beside it. A tree rendered in place is linted as it is."""
    present = set(files)
    sources = [f for f in files if f.endswith(".j2.yaml")]
    if not sources:
        return False
    plain = [f for f in sources if not f.endswith((".role.j2.yaml", ".network.j2.yaml"))]
    return any(f[: -len(".j2.yaml")] + ".yaml" not in present for f in plain)


def _tree_target(root: Path, prefix: str, config: LintConfig, roles_data: Any, network_data: Any,
                 render_diagnostics: list[Diagnostic]) -> _Target:
    files = _walk(root)
    if _needs_render(files):
        return _rendered_target(root, prefix, config, roles_data, network_data,
                                render_diagnostics)
    yaml_files = [f for f in files if f.endswith(YAML_SUFFIXES) and not f.endswith(".j2.yaml")
                  and not config.file_ignored(f)]
    tree = Tree(frozenset(files), os.fspath(root), config.template_roots)
    return _Target(root, yaml_files, tree, prefix, True)


def _rendered_target(root: Path, prefix: str, config: LintConfig, roles_data: Any,
                     network_data: Any, render_diagnostics: list[Diagnostic]) -> _Target:
    import tempfile

    from ..render import render

    # An output folder that is never created (dry run): it only makes the
    # renderer include every copied file in the contents, as in a rendered tree.
    phantom = Path(tempfile.gettempdir()) / f"tht-gen-lint-{os.getpid()}-{time.monotonic_ns()}"
    result = render(root, roles_data, network_data, phantom, dry_run=True, keep_contents=True)
    contents = result.contents or {}
    for diag in result.diagnostics:
        render_diagnostics.append(_rebase(diag, root, phantom, prefix))
    files = sorted(contents)
    yaml_files = [f for f in files if f.endswith(YAML_SUFFIXES) and not f.endswith(".j2.yaml")
                  and not config.file_ignored(f)]
    tree = Tree(frozenset(files), None, config.template_roots)
    sources = (result.plan, roles_data, network_data)
    return _Target(root, yaml_files, tree, prefix, True, contents, sources)


def _rebase(diag: Diagnostic, root: Path, phantom: Path, prefix: str) -> Diagnostic:
    """A renderer diagnostic with its paths shown as the linter shows paths."""

    def move(location: Location | None) -> Location | None:
        if location is None:
            return None
        absolute = Path(os.path.abspath(location.file))
        for base in (phantom, root.resolve(), Path(os.path.abspath(root))):
            try:
                relative = absolute.relative_to(base).as_posix()
            except ValueError:
                continue
            return Location(prefix + relative, location.line, location.column)
        return location

    moved = move(diag.location)
    assert moved is not None
    return Diagnostic(moved, diag.rule_id, diag.severity, diag.message, move(diag.origin),
                      diag.hint)


def _targets(paths: Sequence[str | os.PathLike[str]], config: LintConfig, roles_data: Any,
             network_data: Any, render_diagnostics: list[Diagnostic]) -> list[_Target]:
    resolved = [Path(p) for p in paths] or [Path(".")]
    missing = [p for p in resolved if not p.exists()]
    if missing:
        raise UserError([Diagnostic(Location(os.fspath(p)), "S000", Severity.ERROR,
                                    "no such file or folder") for p in missing])
    single_tree = len(resolved) == 1 and resolved[0].is_dir()
    targets: list[_Target] = []
    for path in resolved:
        if path.is_dir():
            prefix = "" if single_tree else display_path(path).rstrip("/") + "/"
            if prefix == "./":
                prefix = ""
            targets.append(_tree_target(path, prefix, config, roles_data, network_data,
                                        render_diagnostics))
        else:
            parent = path.parent
            shown = display_path(path)
            tree = Tree(frozenset(), os.fspath(parent), config.template_roots, complete=False)
            target = _Target(parent, [path.name], tree, shown[: len(shown) - len(path.name)],
                             False)
            targets.append(target)
    return targets


# --- the public entry point ----------------------------------------------------------------

def _resolve_config(config: LintConfig | str | os.PathLike[str] | None,
                    paths: Sequence[str | os.PathLike[str]]) -> LintConfig:
    if isinstance(config, LintConfig):
        return config
    if config is not None:
        path = Path(config)
        if not path.is_file():
            raise UserError.single(os.fspath(config), "configuration file not found", "S002")
        return load_config(path, display_path(path))
    start = Path(paths[0]) if paths else Path(".")
    found = find_config(start if start.exists() else Path("."))
    return load_config(found, display_path(found)) if found else LintConfig()


def lint(
    paths: Sequence[str | os.PathLike[str]] = (),
    *,
    config: LintConfig | str | os.PathLike[str] | None = None,
    roles_data: str | os.PathLike[str] | None = None,
    network_data: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    rules: Sequence[str] | None = None,
    passes: Sequence[TreePass] = (),
    cache: bool = True,
    uses: Sequence[str | os.PathLike[str]] = (),
    heat: bool = False,
) -> LintReport:
    """The implementation of :func:`tht_gen.lint.lint` (see its documentation)."""
    started = time.perf_counter()
    report = LintReport()
    try:
        settings = _resolve_config(config, paths)
        report.config = settings.source
        if heat:
            passes = [*passes, _heat_pass(uses, roles_data, network_data)]
        with fewer_collections():
            _lint_into(report, paths, settings, roles_data, network_data,
                       jobs or os.cpu_count() or 1, rules, passes, cache, uses)
    except UserError as exc:
        report.diagnostics.extend(exc.diagnostics)
        report.usage_error = exc.exit_code == 2
    report.diagnostics.sort()
    report.elapsed = time.perf_counter() - started
    return report


def _heat_pass(environments: Sequence[str | os.PathLike[str]], roles_data: Any,
               network_data: Any) -> TreePass:
    """Heat's own validate and pre-create checks on a folder, after the rules."""
    from ..heat import HeatUnavailable, heat_available, validate_tree

    if not heat_available():
        raise UserError.single("--heat", str(HeatUnavailable()), "H900")

    def run(tree: LintedTree) -> Iterable[Diagnostic]:
        if tree.folder is None:
            return []
        result = validate_tree(tree.folder, [os.fspath(e) for e in environments],
                               roles_data=roles_data, network_data=network_data)
        return [*result.diagnostics, Diagnostic(
            Location(tree.display("overcloud.yaml")), "H900", Severity.INFO,
            f"Heat {result.heat_version} checked {result.stacks_checked} stacks and "
            f"{result.resources_checked} resources in {result.elapsed:.1f} s")]

    return run


def _selected_rules(config: LintConfig, only: Sequence[str] | None) -> list[Rule]:
    chosen = []
    wanted: set[str] | None = None
    if only is not None:
        wanted = set()
        for key in only:
            cls = lookup(key)
            if cls is None:
                raise UserError.single(key, f"unknown rule '{key}'", "S002")
            wanted.add(cls.id)
    for rule_id, cls in RULES.items():
        if wanted is not None and rule_id not in wanted:
            continue
        if cls.engine_reported or not config.enabled(rule_id):
            continue
        chosen.append(cls())
    return chosen


def _lint_into(report: LintReport, paths: Sequence[str | os.PathLike[str]], config: LintConfig,
               roles_data: Any, network_data: Any, jobs: int, only: Sequence[str] | None,
               passes: Sequence[TreePass], use_cache: bool,
               uses: Sequence[str | os.PathLike[str]] = ()) -> None:
    chosen = _selected_rules(config, only)
    # Slow preparations (Ansible's loader) start first: they run while the tree
    # is walked, read and linted. Each one skips itself when its answers are cached.
    for rule in chosen:
        rule.prepare()
    render_diagnostics: list[Diagnostic] = []
    targets = _targets(paths, config, roles_data, network_data, render_diagnostics)
    for diag in render_diagnostics:
        level = config.level(diag.rule_id, diag.severity)
        if level is not None:
            report.diagnostics.append(Diagnostic(diag.location, diag.rule_id, level, diag.message,
                                                 diag.origin, diag.hint))
    file_rules = [r for r in chosen if not isinstance(r, TreeRule)]
    tree_rules = [r for r in chosen if isinstance(r, TreeRule)]
    caches = _caches(targets, config, chosen) if use_cache else None
    kinds: list[dict[str, FileKind]] = [{} for _ in targets]
    facts: list[dict[str, dict[str, Any]]] = [{} for _ in targets]

    def record(target_index: int, relative: str, result: _FileResult) -> None:
        report.diagnostics.extend(result.diagnostics)
        if result.kind is not None:
            kinds[target_index][relative] = result.kind
        for rule_id, value in result.facts.items():
            facts[target_index].setdefault(rule_id, {})[relative] = value

    # Each file is read once, by the worker that lints it; unchanged files take
    # their results from the cache.
    items = [(t, relative) for t, target in enumerate(targets) for relative in target.files]
    job = _Job(targets, items, file_rules, tree_rules, config, caches)
    for result in _run(job, jobs):
        target_index, relative = items[result.index]
        digest = result.digest
        if result.cached and caches is not None and digest is not None:
            hit = caches[target_index].get(relative, digest)
            record(target_index, relative, _FileResult(result.index, *hit))
            continue
        record(target_index, relative, result)
        if caches is not None and digest is not None:
            caches[target_index].put(relative, digest,
                                     (result.kind, result.diagnostics, result.facts))
    if caches is not None:
        for target, store in zip(targets, caches, strict=True):
            store.keep_only(set(target.files))
            store.save()
    displays = [{target.display(f) for f in target.files} for target in targets]
    for index, target in enumerate(targets):
        report.checked.extend(target.display(f) for f in target.files)
        report.kinds.update({target.display(f): str(k) for f, k in kinds[index].items()})
        if not target.is_tree:
            continue
        # Workers finish in any order: tree rules see files sorted, so that what
        # they report (a majority, a first occurrence) never depends on timing.
        ordered = {rule_id: dict(sorted(by_file.items())) for rule_id, by_file in facts[index].items()}
        tree_facts = TreeFacts(target.tree, dict(sorted(kinds[index].items())), ordered,
                               config.options)
        report.diagnostics.extend(_tree_findings(target, tree_rules, tree_facts, config))
        for extra in passes:
            linted = LintedTree(target.root if target.contents is None else None, kinds[index],
                                target.read, target.display, target.root)
            report.diagnostics.extend(extra(linted))
        _cap_optional(report, displays[index], target, facts[index], config,
                      [*config.entry_points, *_data_entry_points(roles_data, network_data, target),
                       *_uses_in(target, uses)])
    if any(t.sources is not None for t in targets):
        from .origins import add_origins
        report.diagnostics[:] = add_origins(report.diagnostics, targets)


def _data_entry_points(roles_data: Any, network_data: Any, target: _Target) -> list[str]:
    """The roles and network data given to lint are in use, like the defaults."""
    found = []
    for value in (roles_data, network_data):
        if value is not None:
            found.extend(_uses_in(target, [value]))
    return found


def _uses_in(target: _Target, uses: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Paths of ``uses`` relative to the target's root: absolute or cwd-relative paths inside
    it, or paths already relative to it."""
    found = []
    root = os.path.abspath(target.root) if target.root is not None else None
    for use in uses:
        text = os.fspath(use)
        candidate = os.path.abspath(text)
        if root is not None and (candidate == root or candidate.startswith(root + os.sep)) \
                and os.path.exists(candidate):
            found.append(os.path.relpath(candidate, root).replace(os.sep, "/"))
        elif not os.path.isabs(text):
            relative = posixpath.normpath(text.replace(os.sep, "/"))
            # a source tree is linted as rendered: name the rendered file
            found.append(relative[:-len(".j2.yaml")] + ".yaml"
                         if relative.endswith(".j2.yaml") else relative)
    return found


def _cap_optional(report: LintReport, displays: set[str], target: _Target,
                  facts: dict[str, dict[str, Any]], config: LintConfig,
                  extra_entry_points: Sequence[str]) -> None:
    """Report errors in files the deployment does not use at ``optional_files`` level."""
    if config.optional_files >= Severity.ERROR:
        return
    roots = entry_points(target.files, extra_entry_points)
    if roots is None:
        return
    used = reachable(roots, facts.get(LINKS, {}))
    used_displays = {target.display(f) for f in used}
    for position, diag in enumerate(report.diagnostics):
        file = diag.location.file
        if diag.severity < Severity.ERROR or file not in displays or file in used_displays:
            continue
        report.diagnostics[position] = Diagnostic(
            diag.location, diag.rule_id, config.optional_files, diag.message, diag.origin,
            hint=(f"{file} is not used by the default deployment (nothing reaches it from "
                  "overcloud.yaml, its registry or the roles and network data), so this is a "
                  "warning; lint with -e FILE to check a file you use as an error"
                  + (f"; {diag.hint}" if diag.hint else "")))


def _caches(targets: list[_Target], config: LintConfig, chosen: list[Rule]) -> list[ResultCache]:
    import hashlib

    from ..cachedir import cache_dir

    folder = cache_dir("lint")
    code = code_fingerprint()
    setting = repr((sorted((k, str(v)) for k, v in config.levels.items()),
                    sorted(config.rule_ignores.items()), repr(sorted(config.options.items())),
                    config.template_roots, sorted(r.id for r in chosen)))
    stores = []
    for target in targets:
        where = os.path.abspath(target.root) if target.root is not None else "-"
        key = f"{where}\0{target.prefix}\0{target.is_tree}\0{target.contents is not None}"
        files = hashlib.sha256("\0".join(sorted(target.tree.files)).encode()).hexdigest()
        fingerprint = hashlib.sha256(f"{code}\0{setting}\0{files}\0{key}".encode()).hexdigest()
        stores.append(ResultCache(folder, key, fingerprint))
    return stores


def _tree_findings(target: _Target, rules: list[TreeRule], facts: TreeFacts,
                   config: LintConfig) -> Iterator[Diagnostic]:
    documents: dict[str, tuple[Document | None, str | None, _Suppressions | None]] = {}

    def opened(relative: str, need_doc: bool) -> tuple[Document | None, str | None,
                                                       _Suppressions | None]:
        if relative not in documents or (need_doc and documents[relative][0] is None):
            text = target.read(relative)
            doc = None
            if text is not None and need_doc:
                try:
                    doc = compose_document(text)
                except YamlSyntaxError:
                    doc = None
            documents[relative] = (doc, text, _suppressions(text) if text else None)
        return documents[relative]

    for rule in rules:
        try:
            found = list(rule.check_tree(facts))
        except Exception as exc:
            found = [_internal_error(rule, exc)]
        for finding in found:
            relative = finding.file or ""
            doc, text, suppress = opened(relative, finding.at is None)
            diag = _finish(finding, rule.id, rule.default_level, target, relative, doc, text,
                           config, suppress)
            if diag is not None:
                yield diag


__all__ = ["CONFIG_NAME", "LintReport", "LintedTree", "TreePass", "lint"]
