"""Create or update a stack from a template tree, following its events to the end."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import UserError
from ..heat.availability import quietly
from ..heat.stackinput import StackInput, build_stack_input, prepare_tree
from .client import DeployError, Orchestration, connect

TERMINAL_SUFFIXES = ("_COMPLETE", "_FAILED")


@dataclass(frozen=True)
class StackEvent:
    """One event of the stack or of one of its nested stacks."""

    id: str
    time: str
    stack: str  # the (nested) stack's name
    resource: str
    status: str  # e.g. CREATE_COMPLETE
    reason: str

    def format(self) -> str:
        when = self.time[11:19] if len(self.time) >= 19 else self.time
        reason = f"  {self.reason}" if self.reason and self.reason != "state changed" else ""
        return f"{when}  {self.resource:<32} {self.status}{reason}"


@dataclass
class FailedResource:
    stack: str
    resource: str
    type: str
    status: str
    reason: str


@dataclass
class DeployResult:
    stack_name: str
    stack_id: str = ""
    action: str = ""  # CREATE, UPDATE, PREVIEW, PREVIEW-UPDATE
    status: str = ""
    reason: str = ""
    elapsed: float = 0.0
    outputs: dict[str, Any] = field(default_factory=dict)
    output_errors: dict[str, str] = field(default_factory=dict)
    failed: list[FailedResource] = field(default_factory=list)
    preview: dict[str, Any] = field(default_factory=dict)  # resources by change, for --dry-run
    files: int = 0
    waited: bool = False

    @property
    def ok(self) -> bool:
        if self.action.startswith("PREVIEW"):
            return True
        return not self.status.endswith("FAILED")

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


@quietly
def prepare_stack_input(tree: str | os.PathLike[str] | None, environments: list[str | os.PathLike[str]],
                        *, roles_data: Any = None, network_data: Any = None,
                        template: str = "overcloud.yaml") -> StackInput:
    """Render if needed (in memory), then build the files map and environments as a client does."""
    prepared = prepare_tree(Path(tree) if tree is not None else None, roles_data, network_data, template)
    if not prepared.ok:
        raise UserError(prepared.diagnostics, exit_code=2 if prepared.usage_error else 1)
    return build_stack_input(prepared.root, [Path(e) for e in environments], template=template,
                             overlay=prepared.overlay)


@quietly
def deploy(
    stack_input: StackInput,
    *,
    cloud: str,
    stack_name: str,
    parameters: Mapping[str, Any] | None = None,
    dry_run: bool = False,
    wait: bool = True,
    timeout_minutes: int | None = None,
    poll_seconds: float = 2.0,
    on_event: Callable[[StackEvent], None] | None = None,
    orchestration: Orchestration | None = None,
) -> DeployResult:
    """Create ``stack_name`` on ``cloud``, or update it when it exists.

    ``dry_run`` asks Heat's preview instead (nothing is created or changed).
    With ``wait``, follows the stack's events (``on_event`` gets each new one,
    nested stacks included) until it is complete or failed. Raises
    :class:`DeployError` for an unreachable endpoint or a request Heat rejects.
    """
    started = time.monotonic()
    orch = orchestration or connect(cloud)
    body = stack_input.request_body()
    body["parameters"] = dict(parameters or {})
    result = DeployResult(stack_name=stack_name, files=len(body["files"]))
    with orch.calling(f"look up stack {stack_name!r}"):
        existing = orch.proxy.find_stack(stack_name, ignore_missing=True, resolve_outputs=False)
    if existing is not None and str(existing.status or "").endswith("IN_PROGRESS"):
        raise DeployError(f"stack {stack_name!r} is {existing.status}; wait for it to finish first", exit_code=1)

    if dry_run:
        return _preview(orch, stack_name, existing, body, result, started)

    extra: dict[str, Any] = {"is_rollback_disabled": True}
    if timeout_minutes:
        extra["timeout_mins"] = timeout_minutes
    marker_ids: set[str] = set()
    before: dict[str, Any] = {}
    if existing is None:
        result.action = "CREATE"
        with orch.calling(f"create stack {stack_name!r}"):
            created = orch.proxy.create_stack(name=stack_name, **body, **extra)
        stack_id = str(created.id)
    else:
        result.action = "UPDATE"
        stack_id = str(existing.id)
        before = _stack_row(orch, stack_name, stack_id)
        if on_event is not None:  # the events of earlier actions are not this one's
            marker_ids = {e.id for e in _events(orch, stack_name, stack_id)}
        # The SDK sends only the fields it sees as changed, and a template
        # equal to the one it fetched would be left out: fetch it afresh and
        # set every field of the request explicitly.
        with orch.calling(f"update stack {stack_name!r}"):
            current = orch.proxy.get_stack(stack_id, resolve_outputs=False)
            orch.proxy.update_stack(current, **body, **extra)
    result.stack_id = stack_id
    if not wait:
        result.status = f"{result.action}_IN_PROGRESS"
        result.elapsed = time.monotonic() - started
        return result
    result.waited = True
    _follow(orch, stack_name, stack_id, result.action, marker_ids, on_event, poll_seconds,
            previous=before if result.action == "UPDATE" else None)
    _conclude(orch, stack_name, stack_id, result)
    result.elapsed = time.monotonic() - started
    return result


def _preview(orch: Orchestration, stack_name: str, existing: Any, body: dict[str, Any],
             result: DeployResult, started: float) -> DeployResult:
    if existing is None:
        result.action = "PREVIEW"
        with orch.calling(f"preview stack {stack_name!r}"):
            preview = orch.proxy.create_stack(preview=True, name=stack_name, **body)
        resources = _flatten_preview(getattr(preview, "resources", None) or
                                     preview.to_dict().get("resources") or [])
        result.preview = {"added": resources}
        result.status = "PREVIEW_COMPLETE"
    else:
        result.action = "PREVIEW-UPDATE"
        # Heat's PUT .../preview, asked directly: openstacksdk 4.x's
        # update_stack(preview=True) passes the flag where commit() expects
        # prepend_key, and so performs a real update.
        with orch.calling(f"preview the update of stack {stack_name!r}"):
            response = orch.proxy.put(f"/stacks/{stack_name}/{existing.id}/preview", json=body)
            response.raise_for_status()
            data = response.json().get("resource_changes") or {}
        result.preview = {change: sorted(_names(data.get(change) or []))
                          for change in ("added", "deleted", "replaced", "updated", "unchanged")}
        result.status = "PREVIEW_COMPLETE"
        result.stack_id = str(existing.id)
    result.elapsed = time.monotonic() - started
    return result


def _flatten_preview(items: list[Any]) -> list[str]:
    """Heat's preview nests a list per nested stack; give ``type name`` lines."""
    out: list[str] = []
    for item in items:
        if isinstance(item, list):
            out.extend(_flatten_preview(item))
        elif isinstance(item, dict):
            out.append(f"{item.get('resource_type', '?')} {item.get('resource_name', '?')}")
    return out


def _names(items: list[Any]) -> list[str]:
    return [str(i.get("resource_name", i)) if isinstance(i, dict) else str(i) for i in items]


def _events(orch: Orchestration, stack_name: str, stack_id: str) -> list[StackEvent]:
    with orch.calling(f"list the events of stack {stack_name!r}"):
        response = orch.proxy.get(f"/stacks/{stack_name}/{stack_id}/events",
                                  params={"nested_depth": 10, "sort_dir": "asc", "sort_keys": "event_time"})
        response.raise_for_status()
        data = response.json().get("events", [])
    events = []
    for item in data:
        events.append(StackEvent(
            id=str(item.get("id")), time=str(item.get("event_time") or ""),
            stack=str(item.get("stack_name") or stack_name),
            resource=str(item.get("resource_name") or ""),
            status=f"{item.get('resource_action', '')}_{item.get('resource_status', '')}".strip("_")
            if "resource_action" in item else str(item.get("resource_status") or ""),
            reason=" ".join(str(item.get("resource_status_reason") or "").split())))
    return events


def _follow(orch: Orchestration, stack_name: str, stack_id: str, action: str, seen: set[str],
            on_event: Callable[[StackEvent], None] | None, poll_seconds: float,
            previous: dict[str, Any] | None = None) -> None:
    """Wait for the action to end. For an update, the status the stack had before (a
    finished earlier update) does not count: Heat starts the update after answering."""
    started = False
    while True:
        # Listing every nested stack's events costs the engine more than the
        # stack's own status: only when someone reads them.
        if on_event is not None:
            _new_events(orch, stack_name, stack_id, seen, on_event)
        row = _stack_row(orch, stack_name, stack_id)
        status = str(row.get("stack_status") or "")
        started = started or status.endswith("_IN_PROGRESS") or previous is None or \
            row.get("updated_time") != previous.get("updated_time")
        if started and status.startswith(action) and status.endswith(TERMINAL_SUFFIXES):
            if on_event is not None:  # one more pass for the events written at the very end
                _new_events(orch, stack_name, stack_id, seen, on_event)
            return
        if not row:
            raise DeployError(f"stack {stack_name!r} disappeared while waiting for its {action}", exit_code=1)
        time.sleep(poll_seconds)


def stack_status(orch: Orchestration, stack_name: str, stack_id: str) -> str:
    """The stack's status ("" once it is gone), asked in the cheapest way."""
    return str(_stack_row(orch, stack_name, stack_id).get("stack_status") or "")


def _stack_row(orch: Orchestration, stack_name: str, stack_id: str) -> dict[str, Any]:
    """The stack's row in the stack list ({} once it is gone).

    Showing a stack makes Heat load its whole template and environment (for a
    big overcloud, seconds of the engine's time on every poll, which slows the
    very action being waited for); listing stacks filtered by id reads one row.
    """
    with orch.calling(f"read the status of stack {stack_name!r}"):
        response = orch.proxy.get("/stacks", params={"id": stack_id})
        response.raise_for_status()
        stacks = response.json().get("stacks") or []
    return dict(stacks[0]) if stacks else {}


@quietly
def delete(cloud: str, stack_name: str, *, wait: bool = True, timeout_seconds: float = 3600,
           poll_seconds: float = 2.0, orchestration: Orchestration | None = None) -> str:
    """Delete ``stack_name``; with ``wait``, until it is gone. Returns the last status seen
    ("" when gone, "DELETE_FAILED" ...). Raises :class:`DeployError` when the stack does not
    exist or the endpoint cannot be reached."""
    orch = orchestration or connect(cloud)
    with orch.calling(f"look up stack {stack_name!r}"):
        existing = orch.proxy.find_stack(stack_name, ignore_missing=True, resolve_outputs=False)
    if existing is None:
        raise DeployError(f"no stack {stack_name!r}", exit_code=1)
    stack_id = str(existing.id)
    with orch.calling(f"delete stack {stack_name!r}"):
        orch.proxy.delete_stack(stack_id)
    if not wait:
        return "DELETE_IN_PROGRESS"
    deadline = time.monotonic() + timeout_seconds
    while True:
        status = stack_status(orch, stack_name, stack_id)
        if status in ("", "DELETE_COMPLETE", "DELETE_FAILED") or time.monotonic() > deadline:
            return "" if status == "DELETE_COMPLETE" else status
        time.sleep(poll_seconds)


def _new_events(orch: Orchestration, stack_name: str, stack_id: str, seen: set[str],
                on_event: Callable[[StackEvent], None]) -> None:
    for event in _events(orch, stack_name, stack_id):
        if event.id not in seen:
            seen.add(event.id)
            on_event(event)


def _conclude(orch: Orchestration, stack_name: str, stack_id: str, result: DeployResult,
              settle_seconds: float = 5.0) -> None:
    # Heat's convergence engine marks an update complete before it has purged
    # the replaced resources' rows; outputs read in that moment can fail with
    # "ResourcePropertiesData ... not found". Read again until they settle.
    deadline = time.monotonic() + settle_seconds
    while True:
        with orch.calling(f"read stack {stack_name!r}"):
            stack = orch.proxy.get_stack(stack_id, resolve_outputs=True)
        transient = any("not found" in str(o.get("output_error") or "") for o in stack.outputs or [])
        if not transient or time.monotonic() > deadline or not str(stack.status).endswith("COMPLETE"):
            break
        time.sleep(0.5)
    result.status = str(stack.status or "")
    result.reason = " ".join(str(stack.status_reason or "").split())
    for output in stack.outputs or []:
        key = str(output.get("output_key"))
        if output.get("output_error"):
            result.output_errors[key] = str(output["output_error"])
        result.outputs[key] = output.get("output_value")
    if result.status.endswith("FAILED"):
        result.failed = failed_resources(orch, stack_name, stack_id)


def failed_resources(orch: Orchestration, stack_name: str, stack_id: str) -> list[FailedResource]:
    """The failed resources, deepest first: the innermost one carries the real reason."""
    with orch.calling(f"list the resources of stack {stack_name!r}"):
        response = orch.proxy.get(f"/stacks/{stack_name}/{stack_id}/resources", params={"nested_depth": 10})
        response.raise_for_status()
        items = response.json().get("resources", [])
    failed = []
    for item in items:
        status = str(item.get("resource_status") or "")
        if not status.endswith("FAILED"):
            continue
        links = item.get("links") or []
        owner = next((str(link.get("href", "")).rstrip("/").split("/")[-2] for link in links
                      if link.get("rel") == "stack"), stack_name)
        failed.append(FailedResource(stack=owner, resource=str(item.get("resource_name")),
                                     type=str(item.get("resource_type")), status=status,
                                     reason=" ".join(str(item.get("resource_status_reason") or "").split())))
    # A parent's reason repeats its child's with a "resources.X: " prefix: the
    # shortest prefix chain (deepest resource) is the one to show first.
    failed.sort(key=lambda f: (f.reason.count("resources."), f.reason))
    return failed
