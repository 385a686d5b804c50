"""Whether this process may fork workers.

The renderer and the linter fork worker processes for speed. That is unsafe
once eventlet is loaded (OpenStack Heat's engine brings it, for
``lint --heat`` and the Heat tools): eventlet's hub and monkey-patched locks
do not survive fork(), and eventlet warns on every fork for that reason. Work
then runs in this process instead, with the same results.
"""

from __future__ import annotations

import os
import sys


def fork_is_safe() -> bool:
    return os.name == "posix" and hasattr(os, "fork") and "eventlet" not in sys.modules
