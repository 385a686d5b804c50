"""H4xx: files a template refers to exist: ``get_file`` targets and nested templates."""

from __future__ import annotations

from collections.abc import Iterator

from ...model.environment import is_template_reference
from .base import FileContext, Finding, Rule


class GetFileMissing(Rule):
    """``get_file`` names a file that does not exist.

    The client reads ``get_file`` targets relative to the template and sends
    them with it; a missing file stops the deployment before Heat sees it.
    Absolute paths under a template root (the configuration's ``template_roots``,
    default ``/usr/share/openstack-tripleo-heat-templates``, where TripleO
    installs the tree) are looked up in the linted tree; URLs and other
    absolute paths are not checked.

    FAIL::

        resources:
          Config:
            type: OS::Heat::SoftwareConfig
            properties:
              config: {get_file: scripts/missing.sh}
    """

    id = "H401"
    name = "get-file-missing"
    summary = "get_file names a file that does not exist"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for call in ctx.template.calls():
            if call.name != "get_file" or not isinstance(call.args, str) or \
                    call.is_templated(call.args):
                continue
            target = ctx.tree.resolve(ctx.file, call.args)
            if target is not None and not ctx.tree.exists(target):
                yield Finding(call.args_path, f"get_file: '{call.args}' does not exist "
                                              f"(looked for {target})", prefer="value")


class NestedTemplateMissing(Rule):
    """A resource's ``type`` is a template file that does not exist.

    A type ending in ``.yaml`` or ``.template`` is a nested stack read from
    that file, relative to the template. Absolute paths under a template
    root are looked up in the linted tree, as for ``get_file``.

    FAIL::

        resources:
          Net:
            type: network/missing.yaml
    """

    id = "H402"
    name = "nested-template-missing"
    summary = "a resource type names a template file that does not exist"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for resource in ctx.template.resources.values():
            rtype = resource.type
            if not isinstance(rtype, str) or not is_template_reference(rtype):
                continue
            target = ctx.tree.resolve(ctx.file, rtype)
            if target is not None and not ctx.tree.exists(target):
                yield Finding((*resource.path, "type"), f"template '{rtype}' does not exist "
                                                        f"(looked for {target})", prefer="value")
