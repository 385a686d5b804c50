"""S: YAML syntax and structure, for every YAML file."""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model.classify import FileKind
from .base import FileContext, Finding, Rule

ALL_KINDS = frozenset(FileKind)


class YamlSyntax(Rule):
    """The file is not valid YAML.

    Every ``.yaml`` file in the tree is parsed; a file that a YAML safe loader
    rejects (bad indentation, an unclosed bracket, a tab, an undefined alias,
    an unknown tag, several documents) is reported at the place the parser
    stopped. Nothing else is checked in that file.

    FAIL::

        resources:
          Server:
            type: OS::Nova::Server
           properties: {}
    """

    id = "S000"
    name = "yaml-syntax"
    summary = "the file is not valid YAML"
    kinds = ALL_KINDS
    engine_reported = True


class DuplicateKey(Rule):
    """A mapping has the same key twice.

    YAML loaders, Heat's included, silently keep the last value, so the
    first one is lost without a word: a parameter's ``default`` or a whole
    resource disappears. The duplicate is reported where it appears again.

    FAIL::

        parameters:
          Debug:
            type: boolean
            default: false
            default: true

    PASS::

        parameters:
          Debug:
            type: boolean
            default: true
    """

    id = "S001"
    name = "duplicate-key"
    summary = "a mapping has the same key twice (the first value is silently lost)"
    kinds = ALL_KINDS - {FileKind.YAML}
    # Heat keeps the last value without a word, so the file still deploys.
    default_level = Severity.WARNING

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for dup in ctx.doc.duplicates:
            yield Finding((*dup.path, dup.key),
                          f"duplicate key '{dup.key}' (first at line {dup.first.line}); "
                          f"the first value is ignored",
                          at=(dup.duplicate.line, dup.duplicate.column))

