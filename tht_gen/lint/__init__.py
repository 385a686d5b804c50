"""``tht-gen lint``: rule-based checks of Heat template trees, with exact locations.

The API is :func:`lint`, which returns a :class:`LintReport` and never prints.
Rules live in :mod:`tht_gen.lint.rules` (one module per area); output formats
in :mod:`tht_gen.lint.formatters`; the configuration file in
:mod:`tht_gen.lint.config`.
"""

from .config import LintConfig, find_config, load_config
from .engine import LintedTree, LintReport, TreePass, lint
from .rules import RULES

__all__ = ["RULES", "LintConfig", "LintReport", "LintedTree", "TreePass", "find_config", "lint",
           "load_config"]
