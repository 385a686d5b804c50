"""Find the jinja2 source line behind an error: in a template, or in the YAML it produced."""

from __future__ import annotations

import bisect
import types
from collections.abc import Iterator, Mapping
from typing import Any

import jinja2


def template_position(exc: BaseException) -> tuple[str, int] | None:
    """The innermost template (loader name) and line in an exception's traceback.

    jinja2 rewrites tracebacks so that template frames carry the template's
    file name and line; we look for the original compiled frames instead,
    which carry ``__jinja_template__`` and map their Python line back.
    """
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return (exc.name or exc.filename or "<string>", exc.lineno)
    found: tuple[str, int] | None = None
    tb: types.TracebackType | None = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            found = (template.name or "<string>", template.get_corresponding_lineno(tb.tb_lineno))
        elif frame.f_code.co_name in ("top-level template code", "template") or \
                frame.f_code.co_filename.endswith((".j2", ".yaml")):
            # A frame jinja2 already rewrote: its file name is the template's.
            found = (frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _innermost(gen: Any) -> Any:
    """The generator actually producing output inside nested includes and blocks."""
    seen = 0
    while seen < 64:
        seen += 1
        inner = getattr(gen, "gi_yieldfrom", None)
        if inner is None:
            frame = getattr(gen, "gi_frame", None)
            candidate = frame.f_locals.get("gen") if frame is not None else None
            if isinstance(candidate, types.GeneratorType) and candidate.gi_frame is not None:
                inner = candidate
        if not isinstance(inner, types.GeneratorType) or inner.gi_frame is None:
            return gen
        gen = inner
    return gen


Trace = list[tuple[int, str, int, str]]


def trace_output(template: jinja2.Template, context: Mapping[str, Any]) -> Trace:
    """Render again, noting for each output chunk its start offset, the template and line
    that wrote it, and the chunk itself."""
    ctx = template.new_context(dict(context))
    gen: Iterator[str] = template.root_render_func(ctx)
    marks: Trace = []
    offset = 0
    for chunk in gen:
        producer = _innermost(gen)
        frame = producer.gi_frame
        name, line = template.name or "<string>", 0
        if frame is not None:
            owner = frame.f_globals.get("__jinja_template__")
            if owner is not None:
                name = owner.name or name
                line = owner.get_corresponding_lineno(frame.f_lineno)
        marks.append((offset, name, line, chunk))
        offset += len(chunk)
    return marks


def source_of_output_line(
    template: jinja2.Template, context: Mapping[str, Any], output: str, line: int, column: int,
    sources: Mapping[str, str] | None = None,
) -> tuple[str, int] | None:
    """The template and line that produced output ``line``:``column`` (both 1-based)."""
    try:
        marks = trace_output(template, context)
    except Exception:
        return None
    if not marks:
        return None
    starts = [0]
    for index, char in enumerate(output):
        if char == "\n":
            starts.append(index + 1)
    if line - 1 >= len(starts):
        offset = len(output) - 1
    else:
        offset = starts[line - 1] + max(column - 1, 0)
        # Point at the first non-blank character: indentation often comes
        # from the chunk before the one that broke the line.
        end = starts[line] - 1 if line < len(starts) else len(output)
        line_text = output[starts[line - 1]:end]
        stripped = len(line_text) - len(line_text.lstrip())
        if column - 1 < stripped:
            offset = starts[line - 1] + stripped
    offsets = [m[0] for m in marks]
    index = max(bisect.bisect_right(offsets, offset) - 1, 0)
    start, name, src_line, chunk = marks[index]
    if not src_line:
        return None
    # A literal chunk is the template's own text: it starts on the line of the
    # tag before it, so count the lines it runs through before the error.
    # (A chunk from an expression may span lines the template does not have.)
    text: str | None = (sources or {}).get(name)
    if text is None and template.environment.loader is not None:
        try:
            text = template.environment.loader.get_source(template.environment, name)[0]
        except Exception:
            text = None
    if text is not None and chunk and chunk in text:
        src_line += chunk.count("\n", 0, offset - start)
    return name, src_line
