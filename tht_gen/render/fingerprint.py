"""What a rendered file depends on, as one digest: the basis of build avoidance.

A jinja2 template is a pure function of its source, the sources it includes
and the data it is given, unless it names its includes at run time or asks
for randomness. For those it can, :func:`job_keys` gives a key per job; a file
whose key and on-disk content are as the last run left them need not be
rendered again (the manifest holds both). Anything we cannot vouch for gets no
key and is always rendered.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

import jinja2

from .. import __version__
from .plan import Job

_STATIC_INCLUDE = re.compile(r"""{%-?\s*(?:include|import|from|extends)\s+['"]([^'"]+)['"]""")
_ANY_INCLUDE = re.compile(r"""{%-?\s*(?:include|import|from|extends)\b""")
# Built-ins whose output is not a function of the inputs.
_IMPURE = re.compile(r"\b(?:random|lipsum)\b")

_SALT = f"tht-gen {__version__} jinja2 {jinja2.__version__}"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def static_includes(env: Any, name: str, text: str) -> list[str]:
    """The templates that ``text`` (the source of ``name``) names literally in include,
    import, from and extends tags, resolved as the environment resolves them."""
    return [env.join_path(included, name) for included in _STATIC_INCLUDE.findall(text)]


def template_closure(env: Any, name: str, source: str) -> str | None:
    """Digest of a template with everything it includes, or None if that cannot be known statically."""
    parts: list[str] = []
    seen: set[str] = set()
    queue: list[tuple[str, str]] = [(name, source)]
    while queue:
        current, text = queue.pop()
        if current in seen:
            continue
        seen.add(current)
        if _IMPURE.search(text):
            return None
        static = static_includes(env, current, text)
        if len(static) != len(_ANY_INCLUDE.findall(text)):
            return None  # an include whose name is an expression
        parts.append(f"{current}\0{text}")
        for resolved in static:
            try:
                included_text = env.loader.get_source(env, resolved)[0]
            except jinja2.TemplateNotFound:
                return None  # may appear later ("ignore missing"), or the render reports it
            queue.append((resolved, included_text))
    return _sha("\1".join(sorted(parts)))


def job_keys(
    env: Any, jobs: Sequence[Job], sources: Mapping[str, str], context_of: Any,
) -> list[str | None]:
    """One key per job (None where build avoidance cannot be trusted)."""
    closures: dict[str, str | None] = {}
    digests: dict[int, str] = {}

    def data_digest(value: Any) -> str:
        # repr keeps key order, which templates see when they iterate, and
        # tells 1 from "1"; the same object is hashed once per run.
        key = id(value)
        if key not in digests:
            digests[key] = _sha(repr(value))
        return digests[key]

    keys: list[str | None] = []
    for job in jobs:
        if job.source not in closures:
            closures[job.source] = template_closure(env, job.source, sources[job.source])
        closure = closures[job.source]
        if closure is None:
            keys.append(None)
            continue
        context = context_of(job)
        parts = [_SALT, job.source, closure]
        for name in sorted(context):
            parts.append(f"{name}={data_digest(context[name])}")
        keys.append(_sha("\0".join(parts)))
    return keys
