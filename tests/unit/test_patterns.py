"""Strings built from a regular expression's parse match it, whichever way choices are made."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tht_gen import patterns

_ATOMS = st.sampled_from(["a", "Z", "7", "-", r"\.", "[a-f]", "[0-9A-F]", r"\d", r"\w", "[^x]", ".", "[=+/]"])
_REPEATS = st.sampled_from(["", "?", "*", "+", "{3}", "{2,5}", "{0,2}"])


@st.composite
def _patterns(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 1 and draw(st.booleans()):
            # a group is optional at most: a repeated group of repeats makes re's own
            # matching backtrack for minutes on some draws
            options = draw(st.lists(_patterns(depth + 1), min_size=1, max_size=3))
            parts.append("(" + "|".join(options) + ")" + draw(st.sampled_from(["", "?"])))
        else:
            parts.append(draw(_ATOMS) + draw(_REPEATS))
    return "".join(parts)


@settings(deadline=None)
@given(_patterns(), st.integers(0, 2**32 - 1), st.integers(0, 2))
def test_every_sample_matches_the_whole_pattern(pattern: str, seed: int, prefer: int) -> None:
    parsed = patterns.parse(pattern)
    rng = random.Random(seed)
    choosers = [
        patterns.Chooser(pick=rng.choice, repeat=lambda low, high: min(high, low + rng.randint(0, 3))),
        patterns.Chooser(pick=lambda options: options[min(prefer, len(options) - 1)],
                         repeat=lambda low, high: max(low, min(high, prefer or 1))),
    ]
    for chooser in choosers:
        text = patterns.sample(parsed, chooser)
        assert re.fullmatch(pattern, text), (pattern, text)


def test_what_it_cannot_build_is_said() -> None:
    with pytest.raises(patterns.CannotGenerate):
        patterns.sample(patterns.parse(r"(a)\1"), patterns.Chooser(pick=lambda o: o[0], repeat=lambda lo, hi: lo))
    with pytest.raises(patterns.CannotGenerate):
        patterns.class_members(patterns.parse("[^a-zA-Z0-9]")[0][1])
