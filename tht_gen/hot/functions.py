"""The argument shapes of HOT intrinsic functions, per version (heat.engine.hot.functions).

:func:`argument_problems` checks the arguments of one call as written. An
argument that is itself a function call is only known when the stack is
built, so it is accepted wherever a value is expected; only literal values
of the wrong shape are reported, which Heat rejects when it parses or
resolves the call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..diagnostics import PathElement
from .versions import HotVersion, known_function_names

Problem = tuple[tuple[PathElement, ...], str]
_FUNCTIONS = known_function_names()
# hashlib's guaranteed algorithms: what Heat's digest accepts on any host.
DIGEST_ALGORITHMS = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512"})
RESOURCE_FACADE_ATTRIBUTES = frozenset({"metadata", "deletion_policy", "update_policy"})
MAKE_URL_KEYS = frozenset({"scheme", "username", "password", "host", "port", "path", "query",
                           "fragment"})


def is_call(value: Any) -> bool:
    """A one-key mapping naming an intrinsic function (of any version): a value known later."""
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _FUNCTIONS


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


def _literal_not(value: Any, *types: type) -> bool:
    """True when ``value`` is a literal (not a call, not null) of none of ``types``."""
    return value is not None and not is_call(value) and not isinstance(value, types)


def _get_param(args: Any, version: HotVersion) -> Iterator[Problem]:
    if args is None or args == [] or args == "":
        yield (), "get_param needs a parameter name"
    elif isinstance(args, list):
        if _literal_not(args[0], str):
            yield (0,), "get_param: the parameter name must be a string"
        for index, part in enumerate(args[1:], 1):
            if _literal_not(part, str, int) or isinstance(part, bool):
                yield (index,), "get_param: path components must be strings or integers"
    elif not isinstance(args, str) and not is_call(args):
        yield (), "get_param takes a parameter name or a list [name, path...]"


def _get_resource(args: Any, version: HotVersion) -> Iterator[Problem]:
    if not isinstance(args, str) and not is_call(args):
        yield (), "get_resource takes a resource name"


def _get_attr(args: Any, version: HotVersion) -> Iterator[Problem]:
    # 2015-10-15 allowed get_attr: [resource] (all attributes)
    minimum = 1 if version.date >= "2015-10-15" else 2
    if not isinstance(args, list):
        yield (), "get_attr takes a list [resource, attribute, path...]"
    elif len(args) < minimum:
        yield (), ("get_attr takes a list [resource, attribute, path...]"
                   + ("" if minimum == 1 else " (at least 2 items in this version)"))
    elif _literal_not(args[0], str):
        yield (0,), "get_attr: the resource name must be a string"


def _get_file(args: Any, version: HotVersion) -> Iterator[Problem]:
    if not isinstance(args, str) and not is_call(args):
        yield (), "get_file takes a file path (a string)"


def _list_join(args: Any, version: HotVersion) -> Iterator[Problem]:
    multiple = version.date >= "2015-10-15"
    if not isinstance(args, list):
        yield (), "list_join takes a list [delimiter, list...]"
        return
    if len(args) < 2 or (not multiple and len(args) != 2):
        yield (), ("list_join takes [delimiter, list, ...]" if multiple
                   else "list_join takes [delimiter, list] in this version")
        return
    if _literal_not(args[0], str):
        yield (0,), "list_join: the delimiter must be a string"
    for index, item in enumerate(args[1:], 1):
        # an empty value joins nothing; anything else must be a list
        if item and _literal_not(item, list):
            yield (index,), "list_join: each item after the delimiter must be a list"


def _str_replace(name: str) -> Callable[[Any, HotVersion], Iterator[Problem]]:
    strict = name in ("str_replace_strict", "str_replace_vstrict")

    def check(args: Any, version: HotVersion) -> Iterator[Problem]:
        if not isinstance(args, dict) or is_call(args):
            yield (), f"{name} takes a mapping with 'template' and 'params'"
            return
        for key in ("template", "params"):
            if key not in args:
                yield (), f"{name} needs '{key}'"
        template, params = args.get("template"), args.get("params")
        if "template" in args and _literal_not(template, str):
            yield ("template",), f"{name}: 'template' must be a string"
        if "params" in args:
            if params is None or _literal_not(params, dict):
                yield ("params",), f"{name}: 'params' must be a mapping"
            elif isinstance(params, dict) and not is_call(params):
                for key, value in params.items():
                    if isinstance(value, (dict, list)) and not is_call(value) and \
                            version.date < "2015-10-15":
                        yield ("params", key), f"{name}: param values must be strings or numbers"
                if strict and isinstance(template, str):
                    for key in params:
                        if isinstance(key, str) and key not in template:
                            yield ("params", key), (f"{name}: param '{key}' does not appear in "
                                                    f"the template")
    return check


def _map_merge(args: Any, version: HotVersion) -> Iterator[Problem]:
    if _literal_not(args, list) or args is None:
        yield (), "map_merge takes a list of mappings"
        return
    if isinstance(args, list):
        for index, item in enumerate(args):
            if _literal_not(item, dict):
                yield (index,), "map_merge: each item must be a mapping"


def _map_replace(args: Any, version: HotVersion) -> Iterator[Problem]:
    if not isinstance(args, list) or len(args) != 2:
        yield (), "map_replace takes a list of two mappings [map, {keys: ..., values: ...}]"
        return
    for index, item in enumerate(args):
        if _literal_not(item, dict):
            yield (index,), "map_replace: arguments must be mappings"
    replacements = args[1]
    if isinstance(replacements, dict) and not is_call(replacements):
        for key, value in replacements.items():
            if key not in ("keys", "values"):
                yield (1, key), "map_replace: the second mapping takes only 'keys' and 'values'"
            elif _literal_not(value, dict):
                yield (1, key), f"map_replace: '{key}' must be a mapping"


def _repeat(args: Any, version: HotVersion) -> Iterator[Problem]:
    if not isinstance(args, dict) or is_call(args):
        yield (), "repeat takes a mapping with 'for_each' and 'template'"
        return
    for key in ("for_each", "template"):
        if key not in args:
            yield (), f"repeat needs '{key}'"
    permutations = args.get("permutations", True)
    if "permutations" in args:
        if version.date < "2017-09-01":
            yield ("permutations",), "repeat: 'permutations' needs heat_template_version 2017-09-01 (pike)"
        elif not isinstance(permutations, bool):
            yield ("permutations",), "repeat: 'permutations' must be a boolean"
    for_each = args.get("for_each")
    if "for_each" in args and (for_each is None or _literal_not(for_each, dict)):
        yield ("for_each",), "repeat: 'for_each' must be a mapping of placeholders to lists"
    elif isinstance(for_each, dict) and not is_call(for_each):
        for key, values in for_each.items():
            if _literal_not(values, list) and (permutations is not False or
                                               isinstance(values, str)):
                # a mapping is iterated over its keys from 2016-10-14
                if isinstance(values, dict) and version.date >= "2016-10-14":
                    continue
                yield ("for_each", key), "repeat: each placeholder takes a list"


def _digest(args: Any, version: HotVersion) -> Iterator[Problem]:
    if not isinstance(args, list) or len(args) != 2:
        yield (), "digest takes [algorithm, value]"
        return
    if isinstance(args[0], str) and args[0].lower() not in DIGEST_ALGORITHMS:
        yield (0,), "digest: the algorithm must be one of " + ", ".join(sorted(DIGEST_ALGORITHMS))
    for index, item in enumerate(args):
        if _literal_not(item, str):
            yield (index,), "digest: arguments must be strings"


def _str_split(args: Any, version: HotVersion) -> Iterator[Problem]:
    if not isinstance(args, list) or not 2 <= len(args) <= 3:
        yield (), "str_split takes [delimiter, string] or [delimiter, string, index]"
        return
    if _literal_not(args[0], str):
        yield (0,), "str_split: the delimiter must be a string"
    if _literal_not(args[1], str):
        yield (1,), "str_split: the value to split must be a string"


def _yaql(args: Any, version: HotVersion) -> Iterator[Problem]:
    if not isinstance(args, dict) or is_call(args):
        yield (), "yaql takes a mapping with 'expression' and optional 'data'"
        return
    if "expression" not in args:
        yield (), "yaql needs 'expression'"
    elif _literal_not(args["expression"], str):
        yield ("expression",), "yaql: 'expression' must be a string"
    for key in args:
        if key not in ("expression", "data"):
            yield (key,), f"yaql takes only 'expression' and 'data', not '{key}'"


def _if(args: Any, version: HotVersion) -> Iterator[Problem]:
    sizes = (2, 3) if version.if_nullable else (3,)
    if not isinstance(args, list) or len(args) not in sizes:
        form = "[condition, value_if_true, value_if_false]"
        if version.if_nullable:
            form += " or [condition, value_if_true]"
        yield (), f"if takes {form}"
        return
    condition = args[0]
    if not isinstance(condition, (str, bool, dict)):
        yield (0,), "if: the condition must be a condition name, a boolean or a condition function"


def _equals(args: Any, version: HotVersion) -> Iterator[Problem]:
    if not isinstance(args, list) or len(args) != 2:
        yield (), "equals takes [value_1, value_2]"


def _not(args: Any, version: HotVersion) -> Iterator[Problem]:
    if args is None:
        yield (), "not takes a condition"


def _and_or(name: str) -> Callable[[Any, HotVersion], Iterator[Problem]]:
    def check(args: Any, version: HotVersion) -> Iterator[Problem]:
        if not isinstance(args, list) or len(args) < 2:
            yield (), f"{name} takes a list of at least 2 conditions"
    return check


def _contains(args: Any, version: HotVersion) -> Iterator[Problem]:
    if not isinstance(args, list) or len(args) != 2:
        yield (), "contains takes [value, sequence]"
        return
    if _literal_not(args[1], list):
        yield (1,), "contains: the second argument must be a list"


def _filter(args: Any, version: HotVersion) -> Iterator[Problem]:
    if not isinstance(args, list) or len(args) != 2:
        yield (), "filter takes [values, sequence]"
        return
    for index in (0, 1):
        if _literal_not(args[index], list):
            yield (index,), "filter: both arguments must be lists"


def _make_url(args: Any, version: HotVersion) -> Iterator[Problem]:
    if not isinstance(args, dict) or is_call(args):
        yield (), "make_url takes a mapping of URL parts"
        return
    for key, value in args.items():
        if key not in MAKE_URL_KEYS:
            yield (key,), f"make_url: '{key}' is not a URL part ({', '.join(sorted(MAKE_URL_KEYS))})"
        elif key == "query":
            if _literal_not(value, dict):
                yield (key,), "make_url: 'query' must be a mapping"
        elif key == "port":
            if value is not None and not is_call(value):
                try:
                    port = int(value)
                except (TypeError, ValueError):
                    yield (key,), f"make_url: invalid port {value!r}"
                    continue
                if not 0 < port <= 65535:
                    yield (key,), "make_url: the port must be in 1-65535"
        elif _literal_not(value, str):
            yield (key,), f"make_url: '{key}' must be a string"


def _list_concat(name: str) -> Callable[[Any, HotVersion], Iterator[Problem]]:
    def check(args: Any, version: HotVersion) -> Iterator[Problem]:
        if _literal_not(args, list) or args is None:
            yield (), f"{name} takes a list of lists"
            return
        if isinstance(args, list):
            for index, item in enumerate(args):
                if _literal_not(item, list):
                    yield (index,), f"{name}: each item must be a list"
    return check


def _resource_facade(args: Any, version: HotVersion) -> Iterator[Problem]:
    if not isinstance(args, str) or args not in RESOURCE_FACADE_ATTRIBUTES:
        yield (), "resource_facade takes one of " + ", ".join(sorted(RESOURCE_FACADE_ATTRIBUTES))


def _select(args: Any, version: HotVersion) -> Iterator[Problem]:
    if not isinstance(args, list) or len(args) != 2:
        yield (), "Fn::Select takes [index, list]"


CHECKS: dict[str, Callable[[Any, HotVersion], Iterator[Problem]]] = {
    "get_param": _get_param,
    "get_resource": _get_resource,
    "get_attr": _get_attr,
    "get_file": _get_file,
    "list_join": _list_join,
    "str_replace": _str_replace("str_replace"),
    "str_replace_strict": _str_replace("str_replace_strict"),
    "str_replace_vstrict": _str_replace("str_replace_vstrict"),
    "map_merge": _map_merge,
    "map_replace": _map_replace,
    "repeat": _repeat,
    "digest": _digest,
    "str_split": _str_split,
    "yaql": _yaql,
    "if": _if,
    "equals": _equals,
    "not": _not,
    "and": _and_or("and"),
    "or": _and_or("or"),
    "contains": _contains,
    "filter": _filter,
    "make_url": _make_url,
    "list_concat": _list_concat("list_concat"),
    "list_concat_unique": _list_concat("list_concat_unique"),
    "resource_facade": _resource_facade,
    "Fn::Select": _select,
}


def argument_problems(name: str, args: Any, version: HotVersion) -> list[Problem]:
    """Problems with the literal arguments of a call to ``name`` in ``version`` (paths relative
    to the arguments)."""
    check = CHECKS.get(name)
    return list(check(args, version)) if check else []
