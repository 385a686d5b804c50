"""H2xx: intrinsic functions: available in the template's version, allowed where used, and
called with arguments of the shape they take."""

from __future__ import annotations

from collections.abc import Iterator

from ...hot.functions import argument_problems
from ...hot.versions import condition_function_introduced, function_introduced
from .base import FileContext, Finding, Rule


class FunctionVersion(Rule):
    """A function is not available in the template's HOT version.

    Each HOT version has its own set of functions. Newer functions in an
    older template are not called at all: Heat passes the mapping on as
    plain data (``{list_concat: [...]}`` becomes a property value), which
    fails later and far from its cause. The CFN-style functions (``Fn::Join``,
    ``Ref``...) were removed in 2014-10-16 and ``Fn::Select`` in 2015-10-15:
    Heat rejects them.

    Introduced: ``repeat``, ``digest`` 2015-04-30; ``str_split`` 2015-10-15;
    ``map_merge`` 2016-04-08; ``yaql``, ``map_replace``, ``if`` 2016-10-14;
    ``filter``, ``str_replace_strict`` 2017-02-24; ``make_url``,
    ``list_concat``, ``list_concat_unique``, ``str_replace_vstrict``,
    ``contains`` 2017-09-01.

    FAIL::

        heat_template_version: 2016-10-14
        outputs:
          all:
            value: {list_concat: [[a], [b]]}
    """

    id = "H201"
    name = "function-version"
    summary = "an intrinsic function is not available (or was removed) in this HOT version"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        version = ctx.template.version
        if version is None:
            return
        for call in ctx.template.calls():
            if call.in_conditions and call.name in version.condition_functions:
                continue
            if call.name in version.functions:
                continue
            if call.name in version.removed:
                yield Finding(call.args_path, f"'{call.name}' was removed from HOT; it is not "
                                              f"supported in {version.name}")
                continue
            first = (condition_function_introduced(call.name) if call.in_conditions else None) \
                or function_introduced(call.name)
            if first is not None and first.date > version.date:
                yield Finding(call.args_path,
                              f"'{call.name}' is not a function in HOT {version.name}",
                              hint=f"{call.name} needs heat_template_version >= {first.name}")


class FunctionArguments(Rule):
    """A function is called with arguments of the wrong shape.

    Each function takes a fixed shape: ``get_attr`` a list
    ``[resource, attribute, path...]``, ``str_replace`` a mapping with
    ``template`` and ``params``, ``list_join`` ``[delimiter, list...]``,
    ``if`` ``[condition, if_true, if_false]``, ``equals`` two values, and so
    on. The strict ``str_replace`` variants also need every param to occur
    in the template. Arguments that are themselves function calls are known
    only when the stack is built and are accepted; literal arguments of the
    wrong shape are what Heat rejects.

    FAIL::

        outputs:
          name:
            value:
              str_replace:
                template: host-NAME
                param: {NAME: {get_param: Name}}
    """

    id = "H202"
    name = "function-arguments"
    summary = "an intrinsic function's arguments do not have the shape it takes"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        version = ctx.template.version
        if version is None:
            return
        for call in ctx.template.calls():
            if call.name not in version.functions and call.name not in version.condition_functions:
                continue
            for sub, message in argument_problems(call.name, call.args, version):
                yield Finding((*call.args_path, *sub), message, prefer="value" if sub else "key")


class ConditionFunction(Rule):
    """A function that is not a condition function is used in a condition.

    In the ``conditions`` section and in ``condition:`` fields (and the first
    argument of ``if``), Heat allows only ``get_param``, ``equals``, ``not``,
    ``and``, ``or`` and, from 2017-09-01 (pike), ``yaql`` and ``contains``.
    Other functions there are rejected ("invalid in this context").

    FAIL::

        conditions:
          has_name: {not: {equals: [{get_attr: [Server, name]}, '']}}
    """

    id = "H203"
    name = "condition-function"
    summary = "a function that Heat does not allow in conditions is used in one"

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        version = ctx.template.version
        if version is None or not version.has_conditions:
            return
        for call in ctx.template.calls():
            if not call.in_conditions or call.name in version.condition_functions:
                continue
            if call.name in version.functions:
                allowed = ", ".join(sorted(version.condition_functions))
                yield Finding(call.args_path, f"'{call.name}' cannot be used in a condition",
                              hint=f"condition functions in {version.name}: {allowed}")
