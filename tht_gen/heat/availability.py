"""Whether OpenStack Heat can be imported, and the message to show when it cannot."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

INSTALL_HINT = "install the extra: pip install 'tht-gen[heat]' (it brings the openstack-heat package)"


class HeatUnavailable(RuntimeError):
    """OpenStack Heat is not installed in this Python environment."""

    def __init__(self, detail: str = "") -> None:
        message = "OpenStack Heat is not installed"
        if detail:
            message += f" ({detail})"
        super().__init__(f"{message}; {INSTALL_HINT}")


def heat_available() -> bool:
    """True when ``heat.engine`` can be imported (checked without importing it)."""
    try:
        return importlib.util.find_spec("heat.engine") is not None
    except (ImportError, ValueError):
        return False


def require_heat() -> None:
    if not heat_available():
        raise HeatUnavailable()


@contextlib.contextmanager
def quiet_dependencies() -> Iterator[None]:
    """Silence the warnings Heat, oslo.* and openstacksdk raise about their own
    dependencies (deprecated ``cgi``, eventlet ...): they are not the user's
    business, the API never prints, and the test suite turns warnings into errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def quietly(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with quiet_dependencies():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
