"""Strings a regular expression matches, built from Python's own parse of it.

Two places need a value an ``allowed_pattern`` constraint accepts: secrets
(:mod:`tht_gen.passwords`, random choices) and placeholders for parameters
nobody set (:mod:`tht_gen.heat.validate`, the simplest choices, so that a
message shows a readable value). One walker over ``re``'s parse tree serves
both; the caller decides how each choice is made. Literals, character
classes, repeats, groups and alternatives are supported; anything else
(back-references, look-behinds...) raises :class:`CannotGenerate`.
Callers check the result with ``re.match`` as Heat does, since anchors and
look-aheads are skipped rather than honoured.
"""

from __future__ import annotations

import importlib
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

try:  # Python 3.11+: the regular expression parser moved (sre_parse is deprecated)
    _sre_parse: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    _sre_parse = importlib.import_module("sre_parse")

ALPHANUMERIC = string.ascii_letters + string.digits
_CATEGORIES = {"CATEGORY_DIGIT": string.digits, "CATEGORY_WORD": ALPHANUMERIC + "_", "CATEGORY_SPACE": " "}


class CannotGenerate(Exception):
    """The pattern uses something the sampler does not build strings for."""


@dataclass(frozen=True)
class Chooser:
    """How a sample is drawn: ``pick`` one of some characters or alternatives, and
    ``repeat`` a count between a repeat's bounds (``high`` is ``re``'s MAXREPEAT when open)."""

    pick: Callable[[Sequence[Any]], Any]
    repeat: Callable[[int, int], int]


def parse(pattern: str) -> Any:
    """``re``'s parse tree of ``pattern`` (raises ``re.error`` for a bad pattern)."""
    return _sre_parse.parse(pattern)


def sample(parsed: Any, chooser: Chooser) -> str:
    """One string the parsed pattern matches, as ``chooser`` decides."""
    text = ""
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            text += chr(arg)
        elif name == "NOT_LITERAL":
            text += chooser.pick([c for c in ALPHANUMERIC if c != chr(arg)])
        elif name == "ANY":
            text += chooser.pick(ALPHANUMERIC)
        elif name == "IN":
            text += chooser.pick(class_members(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            text += "".join(sample(sub, chooser) for _ in range(chooser.repeat(low, high)))
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            text += sample(arg[-1], chooser)
        elif name == "BRANCH":
            text += sample(chooser.pick(arg[1]), chooser)
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        else:
            raise CannotGenerate(name)
    return text


def class_members(items: Any) -> list[str]:
    """The characters of a character class (letters and digits where it is negated)."""
    members: list[str] = []
    negate = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            members.append(chr(arg))
        elif name == "RANGE":
            members.extend(chr(c) for c in range(arg[0], arg[1] + 1))
        elif name == "CATEGORY":
            members.extend(_CATEGORIES.get(str(arg), ""))
        else:
            raise CannotGenerate(name)
    if negate:
        members = [c for c in ALPHANUMERIC if c not in members]
    if not members:
        raise CannotGenerate("IN")
    return members
