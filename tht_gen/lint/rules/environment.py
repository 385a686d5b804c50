"""H5xx: environment files: sections, registry keys and registry targets."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model.classify import ENVIRONMENT_SECTIONS, FileKind
from ...model.environment import NONE_TYPES
from .base import FileContext, Finding, Rule

ENV = frozenset({FileKind.ENVIRONMENT})
# A resource type name: segments joined by '::' (OS::TripleO::Services::Foo), with '*'
# allowed as a wildcard (Heat's registry matches globs).
_TYPE_NAME = re.compile(r"^[A-Za-z0-9_.*-]+(::[A-Za-z0-9_.*-]+)+$")


class EnvironmentSection(Rule):
    """An environment file has a top-level key Heat does not know, or a section of the wrong type.

    The sections are ``parameters``, ``parameter_defaults``,
    ``resource_registry``, ``parameter_merge_strategies``,
    ``encrypted_param_names`` and ``event_sinks``; Heat rejects any other
    key. All but ``event_sinks`` and ``encrypted_param_names`` are mappings.

    FAIL::

        resource_registry:
          OS::TripleO::Services::Ntp: ../services/time/ntp.yaml
        parameter_default:
          NtpServer: pool.ntp.org
    """

    id = "H501"
    name = "environment-section"
    summary = "unknown top-level section in an environment file, or a section of the wrong type"
    kinds = ENV

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for key, value in ctx.data.items():
            if key not in ENVIRONMENT_SECTIONS:
                yield Finding((key,), f"'{key}' is not a section of an environment file",
                              hint="sections: " + ", ".join(sorted(ENVIRONMENT_SECTIONS)))
            elif key in ("parameters", "parameter_defaults", "resource_registry",
                         "parameter_merge_strategies") and value is not None \
                    and not isinstance(value, dict):
                yield Finding((key,), f"section '{key}' must be a mapping", prefer="value")


class RegistryKey(Rule):
    """A ``resource_registry`` key is not a resource type name.

    Keys are type names such as ``OS::TripleO::Services::Ntp`` (segments
    joined by ``::``; ``*`` is a wildcard), or ``resources`` for
    per-resource mappings. A key with spaces, an empty segment or a single
    segment maps nothing a template can use.

    FAIL::

        resource_registry:
          OS::TripleO::Services:Ntp: ../services/time/ntp.yaml
    """

    id = "H502"
    name = "registry-key"
    summary = "a resource_registry key is not a valid resource type name"
    kinds = ENV

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for entry in ctx.environment.registry:
            if entry.resource is not None:
                continue
            if not _TYPE_NAME.match(entry.key):
                yield Finding(entry.path, f"resource_registry key '{entry.key}' is not a resource "
                                          f"type name (Segment::Segment...)")


class RegistryTargetMissing(Rule):
    """A ``resource_registry`` entry maps a type to a template file that does not exist.

    Targets ending in ``.yaml`` or ``.template`` are files, relative to the
    environment file; other targets are type names (``OS::Heat::None``,
    another registered type) or null. Absolute paths under a template root
    (the configuration's ``template_roots``,
    default ``/usr/share/openstack-tripleo-heat-templates``) are looked up in the
    linted tree; URLs and other absolute paths are not checked.

    FAIL::

        resource_registry:
          OS::TripleO::Services::Ntp: ../services/time/ntpd.yaml
    """

    id = "H503"
    name = "registry-target-missing"
    summary = "a resource_registry target file does not exist"
    kinds = ENV

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for entry in ctx.environment.registry:
            target = entry.target
            if not isinstance(target, str) or target in NONE_TYPES or not entry.target_is_file:
                continue
            resolved = ctx.tree.resolve(ctx.file, target)
            if resolved is not None and not ctx.tree.exists(resolved):
                yield Finding(entry.path, f"'{entry.key}' maps to '{target}', which does not "
                                          f"exist (looked for {resolved})", prefer="value")
