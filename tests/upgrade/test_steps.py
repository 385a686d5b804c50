"""How a task's ``when`` gates it on a step (tht_gen.upgrade.steps)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tht_gen.upgrade.steps import STEP_RANGES, gate_of, runs_at, steps_of


@pytest.mark.parametrize(("when", "status", "step"), [
    ("step|int == 3", "step", 3),
    ("step | int == 0", "step", 0),
    ("(step|int) == 5", "step", 5),
    ("4 == step|int", "step", 4),
    (["step|int == 1", "nova_enabled|bool"], "step", 1),
    (["nova_enabled|bool", "step|int == 2"], "not-first", 2),
    ("step|int in [1, 2]", "complex", None),
    ("step|int >= 3", "complex", None),
    ("step == 3", "complex", None),                        # a string '3' never equals 3
    ("step|int == 1 or step|int == 2", "complex", None),
    (["step|int == 1", "step|int == 2"], "complex", None),
    (["step|int == 1", "step|int > 0"], "complex", None),
    ("nova_step_done|bool", "none", None),                 # not the variable `step`
    ("item.step == 2", "none", None),
    (None, "none", None),
    (True, "none", None),
    ({"get_param": "Cond"}, "dynamic", None),
    (["step|int == 1", {"get_param": "Cond"}], "dynamic", None),
])
def test_gate_of(when: Any, status: str, step: int | None) -> None:
    task = {"name": "t", "command": "true"}
    if when is not None:
        task["when"] = when
    gate = gate_of(task)
    assert (gate.status, gate.step) == (status, step)


def test_every_list_runs_steps_0_to_5() -> None:
    assert {key: list(steps_of(key)) for key in STEP_RANGES} == {
        "upgrade_tasks": [0, 1, 2, 3, 4, 5], "update_tasks": [0, 1, 2, 3, 4, 5],
        "post_upgrade_tasks": [0, 1, 2, 3, 4, 5]}


_SPACE = st.sampled_from(["", " ", "  "])


@st.composite
def _canonical(draw: st.DrawFn) -> tuple[str, int]:
    step = draw(st.integers(0, 99))
    a, b, c, d = (draw(_SPACE) for _ in range(4))
    left = f"step{a}|{b}int"
    if draw(st.booleans()):
        left = f"({left})"
    text = f"{left}{c}=={d}{step}" if draw(st.booleans()) else f"{step}{c}=={d}{left}"
    return text, step


@given(_canonical(), st.lists(st.sampled_from(["x|bool", "y is changed", "z|default(false)"]), max_size=3))
def test_a_canonical_first_condition_is_one_step(canonical: tuple[str, int], others: list[str]) -> None:
    text, step = canonical
    task = {"name": "t", "when": [text, *others]}
    gate = gate_of(task)
    assert (gate.status, gate.step) == ("step", step)
    assert [n for n in range(100) if runs_at(task, n)] == [step]


@given(st.one_of(st.none(), st.booleans(), st.text(max_size=30),
                 st.lists(st.one_of(st.text(max_size=20), st.booleans()), max_size=4)))
def test_any_when_is_placed_in_one_step_or_every_step(when: Any) -> None:
    task = {"name": "t", "when": when}
    gate = gate_of(task)
    placed = [n for n in range(6) if runs_at(task, n)]
    if gate.single:
        assert placed == ([gate.step] if gate.step in range(6) else [])
    else:
        assert placed == list(range(6))
