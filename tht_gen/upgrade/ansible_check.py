"""ansible-core, an optional extra: module names and playbook syntax checked by Ansible itself.

Nothing here imports Ansible into this process (see ``_ansible_probe.py``
for why): module names are resolved by a child process running Ansible's
own task parser, and playbooks are checked with ``ansible-playbook
--syntax-check``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INSTALL_HINT = "install it with: pip install 'tht-gen[ansible]' (or pip install ansible-core)"
_PROBE = Path(__file__).with_name("_ansible_probe.py")
_RUN_PROBE = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__')"


class AnsibleUnavailable(RuntimeError):
    """ansible-core is not installed where tht-gen runs."""

    def __init__(self, detail: str = "") -> None:
        message = "ansible-core is not installed"
        if detail:
            message += f" ({detail})"
        super().__init__(f"{message}; {INSTALL_HINT}")


def ansible_available() -> bool:
    """True when ``ansible`` can be imported by this interpreter (checked without importing it)."""
    try:
        return importlib.util.find_spec("ansible.parsing") is not None
    except (ImportError, ValueError):
        return False


@dataclass(frozen=True)
class ModuleAnswer:
    action: str | None = None
    error: str | None = None


_STARTED: subprocess.Popen[str] | None = None


def _start_probe() -> subprocess.Popen[str]:
    # Run by path from a neutral folder: the probe's own folder must not be on
    # sys.path, where a module of ours could shadow one of Ansible's.
    return subprocess.Popen([sys.executable, "-c", _RUN_PROBE, os.fspath(_PROBE)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=os.path.dirname(os.path.abspath(sys.executable)))


def start_probe_early() -> None:
    """Start the probe now, when its answers are not cached yet, so that Ansible loads
    while the caller does other work; the next :func:`resolve_modules` uses it."""
    global _STARTED
    if _STARTED is not None or not ansible_available():
        return
    store = _answer_store()
    if store is not None and store.is_file() and store.stat().st_size > 2:
        return  # answers known: a warm run should not pay for a probe it may not use
    try:
        _STARTED = _start_probe()
    except OSError:
        _STARTED = None
    else:
        import atexit

        atexit.register(_stop_unused)


def _stop_unused() -> None:
    global _STARTED
    if _STARTED is not None:
        _STARTED.kill()
        _STARTED.wait()
        _STARTED = None


def _answer_store() -> Path | None:
    from ..cachedir import cache_dir

    version = _installed_version()
    folder = cache_dir("ansible") if version else None
    return folder / f"modules-{version}.json" if folder is not None else None


def _installed_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("ansible-core")
    except Exception:
        return None


def resolve_modules_cached(tasks: Sequence[Any]) -> list[ModuleAnswer]:
    """:func:`resolve_modules`, remembering answers per ansible-core version and task.

    Starting Ansible's parser in a child process costs about half a second,
    more than the rest of a cached lint of a whole tree; its answer for a task
    changes only with the task and the installed ansible-core.
    """
    import hashlib

    store = _answer_store()
    known: dict[str, list[Any]] = {}
    if store is not None:
        try:
            known = json.loads(store.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
    keys = [hashlib.sha256(json.dumps(t, sort_keys=True, default=str).encode()).hexdigest()
            for t in tasks]
    missing = [i for i, key in enumerate(keys) if key not in known]
    if missing:
        _, answers = resolve_modules([tasks[i] for i in missing])
        for i, answer in zip(missing, answers, strict=True):
            known[keys[i]] = [answer.action, answer.error]
        if store is not None:
            try:
                tmp = store.with_name(f"{store.name}.{os.getpid()}.tmp")
                tmp.write_text(json.dumps(known), encoding="utf-8")
                os.replace(tmp, store)
            except OSError:
                pass
    return [ModuleAnswer(*known[key]) for key in keys]


def resolve_modules(tasks: Sequence[Any], timeout: float = 120.0) -> tuple[str, list[ModuleAnswer]]:
    """(ansible-core version, one answer per task): the module or action each task calls as
    Ansible's parser resolves it, or Ansible's reason for rejecting it.

    Raises :class:`AnsibleUnavailable` when ansible-core is missing or cannot run.
    """
    if not ansible_available():
        raise AnsibleUnavailable()
    payload = json.dumps(list(tasks), default=str)
    global _STARTED
    probe, _STARTED = _STARTED, None
    try:
        probe = probe or _start_probe()
        stdout, stderr = probe.communicate(payload, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        if probe is not None:
            probe.kill()
        raise AnsibleUnavailable(f"could not run it: {exc}") from None
    try:
        answer = json.loads(stdout)
        results = answer["results"]
        version = str(answer["version"])
    except (ValueError, KeyError, TypeError):
        last = (stderr.strip().splitlines() or ["no output"])[-1]
        raise AnsibleUnavailable(f"it failed: {last}") from None
    if len(results) != len(tasks):
        raise AnsibleUnavailable("it answered for a different number of tasks")
    return version, [ModuleAnswer(r.get("action"), r.get("error")) for r in results]


def ansible_playbook() -> str | None:
    """The ``ansible-playbook`` next to this interpreter, else the one on PATH."""
    beside = Path(sys.executable).with_name("ansible-playbook")
    if beside.is_file() and os.access(beside, os.X_OK):
        return os.fspath(beside)
    return shutil.which("ansible-playbook")


@dataclass(frozen=True)
class SyntaxCheck:
    playbooks: tuple[str, ...]
    ok: bool
    output: str

    @property
    def playbook(self) -> str:
        return ", ".join(self.playbooks)


def syntax_check(playbooks: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
                 groups: Sequence[str] = (), timeout: float = 600.0) -> SyntaxCheck:
    """``ansible-playbook --syntax-check`` on one or more playbooks (one run), with an
    inventory holding one local host in each of ``groups`` (the role names the plays target).
    Playbooks it imports and task files they import are checked too."""
    program = ansible_playbook()
    if program is None or not ansible_available():
        raise AnsibleUnavailable("no ansible-playbook found")
    items = [playbooks] if isinstance(playbooks, (str, os.PathLike)) else list(playbooks)
    paths = [os.fspath(Path(p).resolve()) for p in items]
    with tempfile.TemporaryDirectory(prefix="tht-gen-ansible-") as home:
        # Nothing on this machine should change the check (a user's ansible.cfg, its
        # collections, its home folder): only ansible-core's own defaults.
        config = Path(home, "ansible.cfg")
        config.write_text("[defaults]\n", encoding="utf-8")
        inventory = Path(home, "inventory.ini")
        inventory.write_text("".join(f"[{group}]\n{group.lower()}-0 ansible_connection=local\n\n"
                                     for group in groups) or "localhost ansible_connection=local\n",
                             encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
        env.update({"ANSIBLE_CONFIG": os.fspath(config), "ANSIBLE_HOME": home, "HOME": home,
                    "ANSIBLE_NOCOLOR": "1", "ANSIBLE_LOCALHOST_WARNING": "0",
                    "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0", "ANSIBLE_RETRY_FILES_ENABLED": "0"})
        done = subprocess.run([program, "--syntax-check", "-i", os.fspath(inventory), *paths],
                              capture_output=True, text=True, timeout=timeout, check=False,
                              cwd=home, env=env)
    return SyntaxCheck(tuple(paths), done.returncode == 0, (done.stdout + done.stderr).strip())


__all__ = ["INSTALL_HINT", "AnsibleUnavailable", "ModuleAnswer", "SyntaxCheck", "ansible_available",
           "ansible_playbook", "resolve_modules", "syntax_check"]
