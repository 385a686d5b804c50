"""Ask ansible-core, in a process of its own, what module each task calls.

Run as a script (``python _ansible_probe.py``) by :mod:`tht_gen.upgrade.ansible`:
reads a JSON list of task mappings on stdin, writes a JSON object on stdout:
``{"version": "2.19.x", "results": [{"action": "ansible.builtin.dnf"} or {"error": "..."}]}``.
Ansible's own task parser decides (``ModuleArgsParser``: which key is the
module, and whether the module or action plugin exists, redirects and removals
included), so the answer is the one ``ansible-playbook`` would give.

A separate process because importing Ansible changes the importing process:
it wraps sys.stdout and sys.stderr, prints warnings, and installs its
collection finder in ``sys.meta_path``. It imports nothing from tht_gen.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import Any


def _ready() -> None:
    """Import Ansible and load its plugins: most of the probe's time, done before the
    tasks arrive so that a caller can start the probe early and send them later."""
    from ansible.plugins.loader import init_plugin_loader

    init_plugin_loader()


def _probe(tasks: list[Any]) -> dict[str, Any]:
    from ansible.errors import AnsibleError
    from ansible.parsing.mod_args import ModuleArgsParser
    from ansible.release import __version__

    results: list[dict[str, str]] = []
    for task in tasks:
        try:
            action, _args, _delegate = ModuleArgsParser(task).parse()
        except AnsibleError as exc:
            message = " ".join(str(exc).split("\n", 1)[0].split())
            results.append({"error": message})
        except Exception as exc:  # anything else Ansible's parser raises on odd input
            results.append({"error": f"{type(exc).__name__}: {exc}"})
        else:
            results.append({"action": str(action)})
    return {"version": __version__, "results": results}


def main() -> int:
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    with open(os.devnull, "w", encoding="utf-8") as sink, \
            contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        _ready()
        tasks = json.load(sys.stdin)
        answer = _probe(tasks)
    with out:
        json.dump(answer, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
