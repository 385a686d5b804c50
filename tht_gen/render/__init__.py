"""Rendering jinja2 template trees into Heat templates (see :func:`render`)."""

from .engine import RenderResult, render
from .plan import Job, Plan, make_plan

__all__ = ["Job", "Plan", "RenderResult", "make_plan", "render"]
