"""An openstacksdk orchestration client for a cloud named in clouds.yaml, with clear errors.

For a Heat with no Keystone (such as ``python -m tht_gen.heat.server``), the
clouds.yaml entry is::

    clouds:
      local-heat:
        auth_type: none
        orchestration_endpoint_override: http://127.0.0.1:8004/v1/admin
        orchestration_api_version: '1'
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..heat.availability import quiet_dependencies, quietly


class DeployError(Exception):
    """A deploy or outputs operation could not be done; ``exit_code`` 1 (failed) or 2 (input, endpoint)."""

    def __init__(self, message: str, exit_code: int = 2, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.details = details or []


@dataclass
class Orchestration:
    """The SDK's orchestration proxy for one cloud, and where it points."""

    cloud: str
    proxy: Any
    endpoint: str

    @contextlib.contextmanager
    def calling(self, what: str) -> Iterator[None]:
        """Turn the SDK's and keystoneauth's exceptions into :class:`DeployError`."""
        with translate_errors(self.cloud, what, self.endpoint):
            yield


def _sdk() -> Any:
    try:
        import openstack
    except ImportError as exc:  # pragma: no cover - openstacksdk is a dependency
        raise DeployError(f"openstacksdk is not installed ({exc}); pip install openstacksdk") from None
    return openstack


@contextlib.contextmanager
def translate_errors(cloud: str, what: str, endpoint: str = "") -> Iterator[None]:
    with quiet_dependencies():
        from keystoneauth1 import exceptions as ks_exceptions
        from openstack import exceptions as sdk_exceptions

    where = f" at {endpoint}" if endpoint else ""
    try:
        yield
    except ks_exceptions.DiscoveryFailure as exc:
        reason = _connect_problem(endpoint) or _short(exc)
        raise DeployError(f"cannot reach the orchestration (Heat) endpoint of cloud {cloud!r}{where} "
                          f"while trying to {what}: {reason}") from None
    except (ks_exceptions.ConnectFailure, ks_exceptions.ConnectTimeout,
            ks_exceptions.EndpointNotFound, ks_exceptions.ServiceUnavailable) as exc:
        raise DeployError(f"cannot reach the orchestration (Heat) endpoint of cloud {cloud!r}{where} "
                          f"while trying to {what}: {_short(exc)}") from None
    except sdk_exceptions.BadRequestException as exc:
        raise DeployError(f"Heat rejected the request to {what}: {_http_details(exc)}", exit_code=1) from None
    except sdk_exceptions.HttpException as exc:
        raise DeployError(f"Heat answered {getattr(exc, 'status_code', '?')} to the request to {what}: "
                          f"{_http_details(exc)}", exit_code=1) from None
    except sdk_exceptions.ServiceDiscoveryException as exc:
        raise DeployError(f"cannot reach the orchestration (Heat) endpoint of cloud {cloud!r}{where}: "
                          f"{_short(exc)}") from None
    except (sdk_exceptions.SDKException, ks_exceptions.ClientException) as exc:
        raise DeployError(f"cannot {what} on cloud {cloud!r}{where}: {_short(exc)}") from None


@quietly
def connect(cloud: str) -> Orchestration:
    """The orchestration proxy for ``cloud`` (a clouds.yaml entry), checked to answer."""
    openstack = _sdk()
    from openstack import exceptions as sdk_exceptions

    try:
        conn = openstack.connect(cloud=cloud)
    except sdk_exceptions.ConfigException as exc:
        raise DeployError(f"cloud {cloud!r}: {_short(exc)} (clouds.yaml is looked up in the current folder, "
                          "~/.config/openstack and /etc/openstack, or OS_CLIENT_CONFIG_FILE)") from None
    endpoint = str(conn.config.config.get("orchestration_endpoint_override") or "")
    with translate_errors(cloud, "connect", endpoint):
        proxy = conn.orchestration
        endpoint = endpoint or str(proxy.get_endpoint() or "")
        # Ask once now, so that an unreachable endpoint is reported before any work.
        next(iter(proxy.stacks(limit=1)), None)
    return Orchestration(cloud, proxy, endpoint)


def _connect_problem(endpoint: str) -> str | None:
    """Why a TCP connection to the endpoint fails (keystoneauth hides it behind "discovery")."""
    import socket
    import urllib.parse

    parsed = urllib.parse.urlparse(endpoint)
    if not parsed.hostname:
        return None
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname, port), timeout=5):
            return None
    except OSError as exc:
        return f"{parsed.hostname}:{port}: {exc.strerror or exc}"


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _http_details(exc: Any) -> str:
    details = getattr(exc, "details", None)
    text = str(details) if details else _short(exc)
    response = getattr(exc, "response", None)
    if response is not None:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            error = body.get("error") or {}
            if isinstance(error, dict) and error.get("message"):
                text = str(error["message"])
    return " ".join(text.split())
