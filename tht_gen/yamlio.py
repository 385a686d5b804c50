"""YAML in and out, with the positions a person needs to find a mistake.

* :func:`load_document` parses once (libyaml when present) and keeps the node
  tree, so any document path can be turned into a line and column on demand
  without recording a mark for every node up front.
* Timestamps stay strings: Heat reads ``heat_template_version: 2016-10-14`` as
  text, and so must we.
* Duplicate mapping keys are reported (PyYAML silently keeps the last one);
  the loaded data keeps the last value, as PyYAML and Heat do.
* :func:`check_syntax` is the cheap check used on every rendered file: the
  event stream, undefined aliases and unknown tags, without building objects.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

try:
    from yaml import CSafeDumper as _BaseDumper
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

from .diagnostics import PathElement

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _NoDatesLoader(_BaseLoader):
    """Safe loader that leaves timestamps as strings."""


_NoDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


class Mark(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class DuplicateKey:
    key: str
    path: tuple[PathElement, ...]  # path of the mapping holding the key
    first: Mark
    duplicate: Mark


def _mark(node: yaml.Node, end: bool = False) -> Mark:
    m = node.end_mark if end else node.start_mark
    return Mark(m.line + 1, m.column + 1)


_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_base_resolve = _NoDatesLoader.resolve
# Plain scalars repeat a lot in templates (``type``, ``string``, ``get_param``...):
# their implicit tag is looked up once per process rather than once per node.
_RESOLVED: dict[str, str] = {}
_RESOLVED_MAX = 200_000


def _cached_resolve(self: Any, kind: Any, value: Any, implicit: tuple[bool, bool]) -> Any:
    if kind is yaml.ScalarNode:
        if implicit[0]:
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = str(_base_resolve(self, kind, value, implicit))  # type: ignore[no-untyped-call]
                if len(_RESOLVED) < _RESOLVED_MAX:
                    _RESOLVED[value] = tag
            return tag
        # Quoted scalars: the resolver's answer for non-plain scalars, without its walk.
        return _STR_TAG
    return _base_resolve(self, kind, value, implicit)  # type: ignore[no-untyped-call]


setattr(_NoDatesLoader, "resolve", _cached_resolve)  # noqa: B010 - mypy forbids method assignment
# Path resolvers are never registered on this loader, so the composer's calls
# to track them (two per node) can do nothing; builtins that accept the same
# arguments do nothing faster than any Python function could.
setattr(_NoDatesLoader, "descend_resolver", slice)  # noqa: B010 - slice(parent, index), dropped
setattr(_NoDatesLoader, "ascend_resolver", tuple)    # noqa: B010 - tuple(), the same


class _Constructor:
    """Builds plain Python data from a composed node tree, noting duplicate keys.

    A hand-written walk rather than PyYAML's constructor: plain strings (most
    of a template) are taken from the node as they are, other scalars go
    through the safe constructor; duplicate keys are collected instead of
    silently dropped; and a node reached twice through an alias is built once
    (as PyYAML does, and so that an alias bomb costs nothing).
    """

    def __init__(self, loader: Any, shared: bool = True) -> None:
        self._loader = loader
        # Only a document with anchors can reach a node twice.
        self._built: dict[int, Any] | None = {} if shared else None
        self._found: list[tuple[str, yaml.Node, yaml.Node, yaml.Node]] = []

    def build(self, node: yaml.Node) -> Any:
        cls = node.__class__
        if cls is yaml.ScalarNode:
            if node.tag == _STR_TAG:
                return node.value
            return self._loader.construct_object(node, deep=True)
        built_nodes = self._built
        if built_nodes is not None:
            built = built_nodes.get(id(node))
            if built is not None:
                return built
        if cls is yaml.SequenceNode:
            items: list[Any] = []
            if built_nodes is not None:
                built_nodes[id(node)] = items
            build = self.build
            for child in node.value:
                items.append(build(child))
            return items
        if cls is yaml.MappingNode:
            result: dict[Any, Any] = {}
            if built_nodes is not None:
                built_nodes[id(node)] = result
            own = node.value
            for key_node, _ in own:
                if key_node.tag == _MERGE_TAG:
                    # Merged keys come first and the mapping's own keys override
                    # them: only a repeated own key is a duplicate.
                    own = list(own)
                    self._loader.flatten_mapping(node)
                    break
            first_seen: dict[Any, yaml.Node] = {}
            own_ids = {id(k) for k, _ in own} if own is not node.value else None
            for key_node, value_node in node.value:
                if key_node.__class__ is yaml.ScalarNode and key_node.tag == _STR_TAG:
                    key = key_node.value
                else:
                    key = self.build(key_node)
                    try:
                        hash(key)
                    except TypeError:
                        raise yaml.constructor.ConstructorError(
                            "while constructing a mapping", node.start_mark,
                            "found unhashable key", key_node.start_mark,
                        ) from None
                if own_ids is None or id(key_node) in own_ids:
                    if key in first_seen:
                        self._found.append((str(key), node, first_seen[key], key_node))
                    first_seen[key] = key_node
                result[key] = self.build(value_node)
            return result
        raise yaml.constructor.ConstructorError(  # pragma: no cover - composer never yields this
            None, None, f"unexpected node {node!r}", node.start_mark)

    def duplicates(self, root: yaml.Node) -> list[DuplicateKey]:
        """The duplicate keys found, each with the document path of its mapping.

        Paths are worked out only here, when there are duplicates, so that a
        clean file pays nothing for them.
        """
        if not self._found:
            return []
        wanted = {id(mapping) for _, mapping, _, _ in self._found}
        paths: dict[int, tuple[PathElement, ...]] = {}
        # Breadth first: duplicates are mostly near the top (parameters, resources).
        queue: deque[tuple[yaml.Node, tuple[PathElement, ...]]] = deque([(root, ())])
        visited: set[int] = set()
        while queue and len(paths) < len(wanted):
            node, path = queue.popleft()
            if id(node) in visited:
                continue
            visited.add(id(node))
            if id(node) in wanted:
                paths.setdefault(id(node), path)
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
                    queue.append((value_node, (*path, key)))
            elif isinstance(node, yaml.SequenceNode):
                queue.extend((child, (*path, i)) for i, child in enumerate(node.value))
        return [DuplicateKey(key, paths.get(id(mapping), ()), _mark(first), _mark(dup))
                for key, mapping, first, dup in self._found]


@dataclass
class Document:
    """A parsed YAML file: its data, its node tree and what was wrong with its keys."""

    data: Any
    root: yaml.Node | None
    duplicates: list[DuplicateKey] = field(default_factory=list)
    text: str = ""

    def node_at(self, path: tuple[PathElement, ...]) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The (key node, value node) at ``path``; the deepest existing pair if the path is cut short."""
        key_node: yaml.Node | None = None
        node = self.root
        for element in path:
            if node is None:
                break
            if isinstance(node, yaml.MappingNode):
                found = None
                # Last occurrence wins, as in the loaded data.
                for k, v in reversed(node.value):
                    if isinstance(k, yaml.ScalarNode) and _scalar_matches(k, element):
                        found = (k, v)
                        break
                if found is None:
                    break
                key_node, node = found
            elif isinstance(node, yaml.SequenceNode) and isinstance(element, int):
                if not 0 <= element < len(node.value):
                    break
                key_node, node = None, node.value[element]
            else:
                break
        return key_node, node

    def locate(self, path: tuple[PathElement, ...], prefer: str = "key") -> Mark:
        """Line and column for a document path (1-based).

        ``prefer="key"`` points at the mapping key when there is one (where a
        person reads ``resources.Foo``); ``"value"`` at the value.
        """
        key_node, value_node = self.node_at(path)
        node = key_node if prefer == "key" and key_node is not None else value_node
        if node is None:
            node = key_node
        if node is None:
            return Mark(1, 1)
        return _mark(node)

    def key_marks(self, path: tuple[PathElement, ...], field: str | None = None) -> dict[str, Mark]:
        """Every key of the mapping at ``path`` with its position, in one pass (last one wins).

        With ``field``, the position of the value of key ``field`` in each
        entry's mapping instead (the entry's key when it has no such field).
        """
        _, node = self.node_at(path) if path else (None, self.root)
        if not isinstance(node, yaml.MappingNode):
            return {}
        marks: dict[str, Mark] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            where = key
            if field is not None and isinstance(value, yaml.MappingNode):
                for sub_key, sub_value in value.value:
                    if isinstance(sub_key, yaml.ScalarNode) and sub_key.value == field:
                        where = sub_value
            marks[str(key.value)] = _mark(where)
        return marks

    def end_of(self, path: tuple[PathElement, ...]) -> Mark:
        _, value_node = self.node_at(path)
        return _mark(value_node, end=True) if value_node is not None else Mark(1, 1)


def _scalar_matches(node: yaml.ScalarNode, element: PathElement) -> bool:
    if isinstance(element, int) and not isinstance(element, bool):
        return bool(node.value == str(element))
    return bool(node.value == element)


class YamlSyntaxError(Exception):
    """A YAML error at ``line``:``column``; ``context`` is where the construct that
    failed began (an unclosed bracket's opening), when the parser says."""

    def __init__(self, message: str, line: int, column: int,
                 context: tuple[int, int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.context = context

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"


def describe_yaml_error(exc: yaml.YAMLError) -> YamlSyntaxError:
    """Turn PyYAML's multi-line error into one line with the position of the problem."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    context_mark = getattr(exc, "context_mark", None)
    context_at = (context_mark.line + 1, context_mark.column + 1) if context_mark else None
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem:
        message = f"{context}, {problem}" if context else str(problem)
    else:
        message = str(exc).splitlines()[0]
    return YamlSyntaxError(" ".join(message.split()), line, column, context_at)


def load_document(text: str) -> Document:
    """Parse one YAML document keeping positions; raise :class:`YamlSyntaxError`."""
    loader = _NoDatesLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return Document(None, None, [], text)
        builder = _Constructor(loader, shared="&" in text)
        data = builder.build(root)
        return Document(data, root, builder.duplicates(root), text)
    except yaml.YAMLError as exc:
        raise describe_yaml_error(exc) from None
    except (ValueError, TypeError) as exc:  # e.g. a malformed !!binary or !!int value
        raise YamlSyntaxError(str(exc), 1, 1) from None
    finally:
        loader.dispose()


def compose_document(text: str) -> Document:
    """Positions only (no Python data): the cheap way to locate paths in a file already loaded."""
    loader = _NoDatesLoader(text)
    try:
        return Document(None, loader.get_single_node(), [], text)
    except yaml.YAMLError as exc:
        raise describe_yaml_error(exc) from None
    finally:
        loader.dispose()


def load_data(text: str) -> Any:
    """Plain ``yaml.safe_load`` semantics (timestamps become dates), libyaml speed.

    Used for roles and network data handed to jinja2 templates, so that they
    see exactly what upstream's process-templates.py gives them.
    """
    try:
        return yaml.load(text, Loader=_BaseLoader)
    except yaml.YAMLError as exc:
        raise describe_yaml_error(exc) from None


_STANDARD_TAG = re.compile(
    r"^tag:yaml\.org,2002:(str|int|float|bool|null|map|seq|omap|pairs|set|binary|timestamp|merge|value)$")

def _needs_events(text: str) -> bool:
    """Whether ``text`` may hold an alias, anchor or tag token, or a second document.

    Only then is the slower event walk needed on top of libyaml's raw parse.
    A false hit costs time, never correctness. ``str.find`` keeps this at
    memchr speed; a regular expression over whole files cost more than the
    parse itself.
    """
    for marker in ("\n---", "\n..."):
        at = text.find(marker)
        while at != -1:
            after = text[at + 4:at + 5]
            if after in ("", " ", "\t", "\n", "\r"):
                return True
            at = text.find(marker, at + 1)
    for char in "*&!":
        at = text.find(char)
        while at != -1:
            after = text[at + 1:at + 2]
            if after not in ("", " ", "\t", "\n", "\r", "=") and _starts_node(text, at):
                return True
            at = text.find(char, at + 1)
    return False


def _starts_node(text: str, at: int) -> bool:
    """Whether position ``at`` can begin a YAML node (where aliases, anchors and tags live):
    at the start of a line, after a flow indicator, or after ``:``, ``-`` or ``?`` and blanks."""
    back = at - 1
    while back >= 0 and text[back] in " \t":
        back -= 1
    if back < 0 or text[back] in "\n\r[{,":
        return True
    return text[back] in ":-?" and back < at - 1


try:
    from yaml._yaml import CParser as _RawParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _RawParser = None  # type: ignore[misc,assignment]


def check_syntax(text: str) -> YamlSyntaxError | None:
    """Check that ``text`` is one YAML document a safe loader accepts, without building data.

    libyaml's raw parse (no Python objects) finds every syntax error; where
    the text may hold aliases, tags or several documents, the event stream is
    walked too, for what the composer and constructor would reject: aliases
    to undefined anchors, tags a safe loader does not know, extra documents.
    """
    if _RawParser is not None:
        try:
            _RawParser(text).raw_parse()
        except yaml.YAMLError as exc:
            return describe_yaml_error(exc)
        if not _needs_events(text):
            return None
    return _check_events(text)


def _check_events(text: str) -> YamlSyntaxError | None:
    anchors: set[str] = set()
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    m: Any = event.start_mark
                    return YamlSyntaxError("expected a single document in the stream, "
                                           "but found another document", m.line + 1, m.column + 1)
                continue
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent):
                if anchor not in anchors:
                    m = event.start_mark
                    return YamlSyntaxError(f"found undefined alias {anchor!r}", m.line + 1,
                                           m.column + 1)
                continue
            if anchor is not None:
                anchors.add(anchor)
            tag = getattr(event, "tag", None)
            if tag and tag != "!" and not _STANDARD_TAG.match(tag):
                m = event.start_mark
                return YamlSyntaxError(f"could not determine a constructor for the tag {tag!r}",
                                       m.line + 1, m.column + 1)
    except yaml.YAMLError as exc:
        return describe_yaml_error(exc)
    return None


def iter_paths(data: Any, path: tuple[PathElement, ...] = ()) -> Iterator[tuple[tuple[PathElement, ...], Any]]:
    """Every (path, value) pair in a loaded document, depth first."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from iter_paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from iter_paths(value, (*path, index))


class _StableDumper(_BaseDumper):
    """Block style, insertion order, no aliases: diffs of generated files stay readable."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> str:
    return str(yaml.dump(data, Dumper=_StableDumper, default_flow_style=False,
                         sort_keys=False, allow_unicode=True, width=100))
