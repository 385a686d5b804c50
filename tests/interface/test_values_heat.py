"""Our parameter value checks against Heat's (``heat.engine.parameters.Parameter.validate``).

``env explain`` warns about a value its parameter's type or constraints
reject; it must reject exactly what Heat rejects, on generated parameter
definitions (every type, length, range, modulo, allowed values and patterns)
and values (of the type and of other types).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tht_gen.heat.availability import quiet_dependencies
from tht_gen.interface.values import check_value

from .strategies import TYPES, json_values, value_for


@st.composite
def definitions(draw: Any) -> dict[str, Any]:
    kind = draw(st.sampled_from(TYPES))
    constraints: list[dict[str, Any]] = []
    small = st.integers(-3, 4)
    bounds = st.one_of(st.fixed_dictionaries({"min": small}), st.fixed_dictionaries({"max": small}),
                       st.fixed_dictionaries({"min": small, "max": small}))
    if kind in ("string", "comma_delimited_list", "json") and draw(st.booleans()):
        constraints.append({"length": draw(bounds)})
    if kind == "number" and draw(st.booleans()):
        constraints.append({"range": draw(bounds)})
    if kind == "number" and draw(st.booleans()):
        step = draw(st.integers(1, 3))
        constraints.append({"modulo": {"step": step, "offset": draw(st.integers(0, step - 1))}})
    if kind != "json" and draw(st.booleans()):
        constraints.append({"allowed_values": draw(st.lists(value_for(kind), min_size=1, max_size=3))})
    if kind == "string" and draw(st.booleans()):
        constraints.append({"allowed_pattern": draw(st.sampled_from(("[a-c]*", "a.", "(ab|c)+", "")))})
    return {"type": kind, "constraints": constraints}


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definitions(), st.data())
def test_checks_match_heat(heat: SimpleNamespace, definition: dict[str, Any], data: st.DataObject) -> None:
    # A null is "no value" (the default applies), never checked.
    value = data.draw(st.one_of(value_for(definition["type"]), json_values).filter(lambda v: v is not None))
    try:
        with quiet_dependencies():
            schema = heat.hot_parameters.HOTParamSchema20180302.from_dict("P", definition)
            schema.validate()
    except Exception:
        assume(False)  # a definition Heat rejects by itself: the template's problem, not the value's
        raise
    try:
        with quiet_dependencies():
            heat.parameters.Parameter("P", schema, value).validate()
        rejected = None
    except Exception as exc:  # StackValidationFailed, and the TypeErrors Heat lets through
        rejected = exc
    problem = check_value(value, definition)
    if rejected is None:
        assert problem is None, f"Heat accepts {value!r} for {definition} but we say: {problem}"
    else:
        assert problem is not None, f"Heat rejects {value!r} for {definition} ({rejected}) but we accept it"
