"""``tht-gen import-tosca``: a TOSCA Simple Profile template as a composable service of ours.

heat-translator (its Python API) translates the TOSCA template into HOT
(:mod:`.translate`); the HOT is wrapped into a service template that keeps
the library's contract, and an environment registers it as
``OS::TripleO::Services::<Name>`` (:mod:`.wrap`). The two files are written
into a template tree, as the library lays its own out::

    <out>/services/<name>/<name>.yaml            the service template
    <out>/environments/services/<name>.yaml      the environment registering it

Before anything is written both are linted (``tht-gen lint``'s rules); with
an error-level finding nothing is written. Existing files are never
overwritten unless ``force``. TOSCA that tosca-parser or heat-translator
rejects comes back as findings located in the TOSCA file, never as an
exception.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import stage_text
from ..diagnostics import Diagnostic, Location, Severity, has_errors
from .translate import (
    BAD_NAME,
    LINT,
    OUTPUT_EXISTS,
    SECRET_DEFAULT,
    Translation,
    dump_yaml,
    locate_input,
    translate,
)
from .wrap import SERVICE_NAME, environment, kebab_case, service_template, snake_case

DEFAULT_PUPPET_PROFILE = "tripleo::profile::base::{service_name}"


@dataclass
class ToscaImport:
    """What an import made: the files (path relative to the output folder -> text), what was written."""

    service: str
    output_dir: Path
    files: dict[str, str] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    usage_error: bool = False
    translation: Translation | None = None

    @property
    def ok(self) -> bool:
        return not self.usage_error and not has_errors(self.diagnostics)

    @property
    def exit_code(self) -> int:
        """0 written (or, with ``write=False``, ready); 1 the TOSCA or the result has errors; 2 usage."""
        if self.usage_error:
            return 2
        return 0 if self.ok else 1

    @property
    def template_path(self) -> str:
        name = kebab_case(self.service)
        return f"services/{name}/{name}.yaml"

    @property
    def environment_path(self) -> str:
        return f"environments/services/{kebab_case(self.service)}.yaml"


def import_tosca(path: str | os.PathLike[str], service: str, *, output_dir: str | os.PathLike[str] = ".",
                 puppet_class: str | None = None, packages: Sequence[str] = (), units: Sequence[str] = (),
                 force: bool = False, write: bool = True) -> ToscaImport:
    """Translate the TOSCA template at ``path`` and write it as service ``service`` (CamelCase, as in
    ``OS::TripleO::Services::<service>``) into the tree ``output_dir``. ``puppet_class`` is the
    profile its step_config includes (default ``tripleo::profile::base::<service_name>``);
    ``packages`` and ``units`` give its upgrade tasks something to update and stop. With
    ``write=False`` nothing is written (the files are in the result). Never prints."""
    result = ToscaImport(service, Path(output_dir))
    shown = os.fspath(path)
    if not SERVICE_NAME.match(service):
        result.diagnostics.append(Diagnostic(Location("--service"), BAD_NAME, Severity.ERROR,
                                             f"{service!r} cannot name a service: use CamelCase letters and "
                                             "digits (OS::TripleO::Services::<Name>), e.g. MetricsStore"))
        result.usage_error = True
        return result
    translation = translate(path, shown)
    result.translation = translation
    result.diagnostics.extend(translation.diagnostics)
    if not translation.ok or translation.template is None:
        result.usage_error = any(d.rule_id in ("X001", "X004") for d in translation.diagnostics)
        return result
    name = snake_case(service)
    template, dropped = service_template(
        translation.template, service, source=Path(shown).name, description=translation.description,
        puppet_class=puppet_class or DEFAULT_PUPPET_PROFILE.format(service_name=name),
        packages=packages, units=units)
    for item in dropped:
        result.diagnostics.append(Diagnostic(locate_input(translation, item), SECRET_DEFAULT, Severity.WARNING,
                                             f"the default of input {item} was dropped: secrets have none "
                                             "(the deployment gives the value)"))
    required = sorted(p for p, d in template["parameters"].items()
                      if isinstance(d, dict) and "default" not in d)
    result.files[result.template_path] = dump_yaml(template)
    result.files[result.environment_path] = environment(service, result.template_path, result.environment_path,
                                                        Path(shown).name, required)
    folder = posixpath_dirname(result.template_path)
    for nested, data in sorted(translation.nested.items()):
        result.files[f"{folder}/{nested}"] = dump_yaml(data)
    result.diagnostics.extend(_lint(result.files))
    if not result.ok or not write:
        return result
    _write(result, force)
    return result


def posixpath_dirname(path: str) -> str:
    return path.rsplit("/", 1)[0]


def _lint(files: dict[str, str]) -> list[Diagnostic]:
    """The lint findings of the files, linted as a tree of their own."""
    from ..lint import lint

    with tempfile.TemporaryDirectory(prefix="tht-gen-tosca-") as staging:
        for relative, text in files.items():
            target = Path(staging) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        report = lint([staging], jobs=1, cache=False)
    out = []
    for diagnostic in report.diagnostics:
        out.append(Diagnostic(diagnostic.location, diagnostic.rule_id, diagnostic.severity,
                              f"{diagnostic.message} (rule {diagnostic.rule_id}; reported as {LINT})",
                              diagnostic.origin, diagnostic.hint))
    return out


def _write(result: ToscaImport, force: bool) -> None:
    root = result.output_dir
    existing = [rel for rel in result.files if (root / rel).exists()]
    if existing and not force:
        for rel in existing:
            result.diagnostics.append(Diagnostic(Location(os.fspath(root / rel)), OUTPUT_EXISTS, Severity.ERROR,
                                                 "exists: not overwritten (give --force to replace it)"))
        result.usage_error = True
        return
    staged: list[tuple[str, Path]] = []
    try:
        for relative, text in result.files.items():
            target = root / relative
            staged.append((stage_text(target, text), target))
        for tmp, target in staged:
            os.replace(tmp, target)
            result.written.append(target.relative_to(root).as_posix())
    finally:
        for tmp, _target in staged:
            Path(tmp).unlink(missing_ok=True)


__all__ = ["ToscaImport", "Translation", "import_tosca", "translate"]
