"""Reading the report page back with the standard library's HTML parser, for the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def all_text(self) -> str:
        return self.text + "".join(c.all_text() for c in self.children)

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        found = []
        for child in self.children:
            if (tag is None or child.tag == tag) and all(
                    (child.attrs.get(k.rstrip("_")) or "").split().count(v) if k == "class_"
                    else child.attrs.get(k) == v for k, v in attrs.items()):
                found.append(child)
            found.extend(child.find_all(tag, **attrs))
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]

    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()


_VOID = frozenset({"meta", "br", "input", "img", "link", "hr", "col", "path", "line", "circle", "rect"})


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.unclosed: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if self.stack[-1].tag != tag:
            self.unclosed.append(f"</{tag}> closes <{self.stack[-1].tag}>")
            while len(self.stack) > 1 and self.stack[-1].tag != tag:
                self.stack.pop()
        if len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Element("#text", {}, text=data))


def parse(html: str) -> tuple[Element, list[str]]:
    """The document, and the nesting mistakes found (none for a well-formed page)."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    problems = list(builder.unclosed) + [f"<{e.tag}> never closed" for e in builder.stack[1:]]
    return builder.root, problems


def matrix(document: Element) -> tuple[list[str], dict[str, dict[str, str]]]:
    """(role names in column order, service -> role -> cell state: on, off, missing or '')."""
    table = document.find("table", id="matrix-table")
    roles = [th.all_text() for th in table.find_all("th", class_="role")]
    states: dict[str, dict[str, str]] = {}
    body = table.find("tbody")
    for row in body.find_all("tr"):
        name = row.find("th").all_text()
        cells = row.find_all("td", class_="cell")
        assert len(cells) == len(roles)
        states[name] = {}
        for role, cell in zip(roles, cells, strict=True):
            state = next((c for c in ("on", "off", "missing") if c in cell.classes()), "")
            states[name][role] = state
    return roles, states
