"""What a Heat client sends: the root template, the ``files`` map and the environments.

Built with openstacksdk's own copy of the Heat client's template utilities
(``openstack.orchestration.util.template_utils``), so that what we validate
and what we deploy is exactly what ``openstack stack create -t ... -e ...``
would send: every nested template and ``get_file`` target keyed by its
``file://`` URL, environments passed by name in ``environment_files`` (Heat
merges them server-side, honouring ``parameter_merge_strategies``) and their
contents in ``files``.

Files are read through an overlay, so a tree rendered in memory (lint on a
source tree) is sent without being written anywhere.
"""

from __future__ import annotations

import json
import os
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Location, Severity, UserError

ROOT_TEMPLATE = "overcloud.yaml"
REGISTRY = "overcloud-resource-registry-puppet.yaml"


class MissingFile(Exception):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


@dataclass
class StackInput:
    """The body of a stack create/update/preview/validate request, plus where it came from."""

    tree: Path
    template_url: str
    template: dict[str, Any]
    files: dict[str, str]
    environment_files: list[str]
    environments: dict[str, dict[str, Any]] = field(default_factory=dict)  # url -> parsed environment
    overlay: Mapping[str, bytes] = field(default_factory=dict, repr=False)
    seconds: float = 0.0

    def url_for(self, path: Path) -> str:
        return file_url(path)

    def relative(self, url: str) -> str:
        """A ``file://`` URL as a path relative to the tree (or as given when outside it)."""
        path = url_path(url)
        try:
            return Path(path).resolve().relative_to(self.tree.resolve()).as_posix()
        except ValueError:
            return path

    def text_of(self, url: str) -> str | None:
        """The original text (not the JSON the client re-serialised) of a file in the request."""
        path = url_path(url)
        data = self.overlay.get(path)
        if data is None:
            try:
                data = Path(path).read_bytes()
            except OSError:
                return None
        return data.decode("utf-8", errors="replace")

    def parameters_set(self) -> set[str]:
        """Names given a value by any environment (``parameters`` or ``parameter_defaults``)."""
        names: set[str] = set()
        for env in self.environments.values():
            for section in ("parameters", "parameter_defaults"):
                value = env.get(section) or {}
                if isinstance(value, dict):
                    names.update(str(k) for k in value)
        return names

    def request_body(self, extra_environment: dict[str, Any] | None = None) -> dict[str, Any]:
        """Keyword arguments for openstacksdk's ``create_stack``/``update_stack``."""
        files = dict(self.files)
        env_files = list(self.environment_files)
        if extra_environment:
            url = file_url(self.tree / ".tht-gen-placeholders.yaml")
            files[url] = json.dumps(extra_environment)
            env_files.append(url)
        return {"template": self.template, "files": files, "environment_files": env_files}


@dataclass
class PreparedTree:
    """A tree ready to send: rendered files held in memory when it was a source tree."""

    root: Path
    overlay: dict[str, bytes] = field(default_factory=dict)  # absolute path -> rendered bytes
    origins: dict[str, str] = field(default_factory=dict)  # rendered file -> its jinja2 source
    diagnostics: list[Diagnostic] = field(default_factory=list)
    usage_error: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(d.severity >= Severity.ERROR for d in self.diagnostics)


def prepare_tree(tree: Path | None, roles_data: Any = None, network_data: Any = None,
                 template: str = ROOT_TEMPLATE) -> PreparedTree:
    """The tree as Heat should see it: a rendered tree as it is; a source tree (jinja2
    sources and no ``overcloud.yaml``), or the shipped library when ``tree`` is None,
    rendered in memory with ``roles_data`` and ``network_data`` (nothing is written)."""
    from ..library import resolve_library

    root = resolve_library(tree).root
    if (root / template).exists() and roles_data is None and network_data is None:
        return PreparedTree(root)
    if not (root / "overcloud.j2.yaml").exists():
        return PreparedTree(root)
    from ..render import render

    started = time.perf_counter()
    rendered = render(tree if tree is not None else None, roles_data, network_data,
                      dry_run=True, keep_contents=True)
    prepared = PreparedTree(rendered.output_root.resolve(), seconds=time.perf_counter() - started)
    prepared.diagnostics = [d for d in rendered.diagnostics if d.severity >= Severity.ERROR]
    prepared.usage_error = rendered.usage_error
    if rendered.ok:
        base = prepared.root
        prepared.overlay = {os.fspath(base / rel): data for rel, data in (rendered.contents or {}).items()}
        if rendered.plan:
            prepared.origins = {job.output: job.source for job in rendered.plan.rendered}
    return prepared


def file_url(path: Path | str) -> str:
    return urllib.parse.urljoin("file:", urllib.request.pathname2url(os.path.abspath(path)))


def url_path(url: str) -> str:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("file", ""):
        return url
    return urllib.request.url2pathname(parsed.path)


def _user_error(path: str, message: str, rule: str = "H900") -> UserError:
    return UserError([Diagnostic(Location(path), rule, Severity.ERROR, message)], exit_code=2)


def build_stack_input(
    tree: Path,
    environments: list[Path],
    *,
    template: str = ROOT_TEMPLATE,
    overlay: Mapping[str, bytes] | None = None,
    include_registry: bool = True,
) -> StackInput:
    """Read the root template, every file it reaches and every environment, as the client does.

    ``environments`` are applied in order after the tree's resource registry
    (``overcloud-resource-registry-puppet.yaml``, when the tree has one and it
    is not listed already), as TripleO's client does. ``overlay`` maps absolute
    paths to contents that take precedence over the disk.

    Raises :class:`UserError` (exit code 2) for a missing or unparsable file.
    """
    from openstack import exceptions as sdk_exceptions
    from openstack.orchestration.util import template_utils

    started = time.perf_counter()
    tree = tree.resolve()
    overlay = dict(overlay or {})

    def exists(path: Path) -> bool:
        return os.fspath(path) in overlay or path.is_file()

    def read(method: str, url: str) -> str:
        path = url_path(url)
        data = overlay.get(path)
        if data is None:
            try:
                data = Path(path).read_bytes()
            except OSError:
                raise MissingFile(url) from None
        return data.decode("utf-8")

    root = tree / template
    if not exists(root):
        raise _user_error(display(root), f"no root template {template} in {display(tree)} "
                          "(render the tree first, or give a source tree with overcloud.j2.yaml)")
    env_paths: list[Path] = []
    registry = tree / REGISTRY
    resolved = [Path(e).resolve() if Path(e).is_absolute() or Path(e).exists() else (tree / e).resolve()
                for e in environments]
    if include_registry and exists(registry) and registry not in resolved:
        env_paths.append(registry)
    env_paths.extend(resolved)
    for env in env_paths:
        if not exists(env):
            raise _user_error(display(env), "environment file not found")

    stage = display(root)
    try:
        files: dict[str, Any] = {}
        files, tpl = template_utils.get_template_contents(
            template_object=file_url(root), object_request=read, files=files)
        env_urls: list[str] = []
        parsed_envs: dict[str, dict[str, Any]] = {}
        for env in env_paths:
            stage = display(env)
            url = file_url(env)
            env_files, env_data = template_utils.process_environment_and_files(
                env_path=url, env_path_is_object=lambda _p: True, object_request=read)
            files.update(env_files)
            # The client's object path leaves the environment itself out of
            # ``files``; server-side merging needs it there, as the file path
            # of the same utility puts it.
            files[url] = json.dumps(env_data)
            env_urls.append(url)
            parsed_envs[url] = env_data
    except MissingFile as exc:
        raise _user_error(stage, f"file not found: {display(Path(url_path(exc.url)))} "
                          "(referenced from this file or a template it reaches)") from None
    except (sdk_exceptions.SDKException, ValueError) as exc:
        raise _user_error(stage, f"cannot be read as Heat sees it: {_one_line(exc)}") from None
    assert tpl is not None
    return StackInput(tree=tree, template_url=file_url(root), template=tpl, files=files,
                      environment_files=env_urls, environments=parsed_envs, overlay=overlay,
                      seconds=time.perf_counter() - started)


def display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return os.fspath(path)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
