"""A real OpenStack Heat API and engine in one process, on loopback, with no other service.

Used by the integration tests, the benchmark and the worked example in the
docs::

    python -m tht_gen.heat.server --port 8004 --state-dir /tmp/heat

It serves Heat's own orchestration API (v1) through Heat's own paste pipeline
and runs Heat's own engine service in the same process, because:

* Heat 27 ships only ``heat-engine`` and ``heat-wsgi-api``; the in-memory
  ``fake://`` message transport that lets them run without RabbitMQ does not
  cross processes, and Heat's launcher forks a worker even for one worker, so
  the engine service is started directly, not through the launcher.
* Authentication is the ``noauth`` paste flavour. Its token response carries
  a catalog with an ``orchestration`` and a ``cloudformation`` endpoint
  (software-config resources refuse to work without the latter).
* The database is a sqlite file. The engine's concurrent writers otherwise
  meet "database is locked" whatever the busy timeout, so every transaction
  starts with ``BEGIN IMMEDIATE`` (one writer at a time, waiting its turn).
* The new policy defaults answer 403 to the only role noauth gives (admin),
  so ``enforce_new_defaults`` and ``enforce_scope`` are off.

Everything the server writes (configuration, database, log) is in
``--state-dir`` (a new temporary folder when not given, removed on exit).
When ready it writes ``{"pid", "port", "url"}`` as JSON to ``--ready-file``
(and prints the same line on stdout). SIGTERM or SIGINT stop it.

:class:`HeatServer` starts this module as a child process and stops it by its
process id; the pytest fixture and the benchmark use it.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT = "admin"

_PASTE_INI = """\
# Written by tht_gen.heat.server: Heat's own API pipeline, noauth flavour.
[composite:heat-api]
use = egg:Paste#urlmap
/: api

[composite:api]
paste.composite_factory = heat.api:pipeline_factory
noauth = request_id faultwrap noauth context versionnegotiation apiv1app

[app:apiv1app]
paste.app_factory = heat.common.wsgi:app_factory
heat.app_factory = heat.api.openstack.v1:API

[filter:versionnegotiation]
paste.filter_factory = heat.common.wsgi:filter_factory
heat.filter_factory = heat.api.openstack:version_negotiation_filter

[filter:faultwrap]
paste.filter_factory = heat.common.wsgi:filter_factory
heat.filter_factory = heat.api.openstack:faultwrap_filter

[filter:context]
paste.filter_factory = heat.common.context:ContextMiddleware_filter_factory

[filter:noauth]
paste.filter_factory = heat.common.noauth:filter_factory

[filter:request_id]
paste.filter_factory = oslo_middleware.request_id:RequestId.factory
"""


def orchestration_url(host: str, port: int) -> str:
    """The orchestration endpoint (with the project) that clients talk to."""
    return f"http://{host}:{port}/v1/{PROJECT}"


def clouds_yaml(cloud: str, url: str) -> str:
    """A clouds.yaml text with one entry for a noauth Heat at ``url`` (see tht_gen.deploy.client)."""
    return (f"clouds:\n  {cloud}:\n    auth_type: none\n"
            f"    orchestration_endpoint_override: {url}\n"
            "    orchestration_api_version: '1'\n")


def token_response(host: str, port: int) -> dict[str, Any]:
    """A Keystone v3 token body whose catalog lists the endpoints Heat looks up."""
    base = f"http://{host}:{port}"

    def service(kind: str, name: str, url: str) -> dict[str, Any]:
        return {
            "type": kind, "name": name, "id": secrets.token_hex(8),
            "endpoints": [
                {"id": secrets.token_hex(8), "interface": interface, "region": "regionOne",
                 "region_id": "regionOne", "url": url}
                for interface in ("public", "internal", "admin")
            ],
        }

    return {
        "token": {
            "methods": ["token"],
            "expires_at": "2999-01-01T00:00:00.000000Z",
            "issued_at": "2000-01-01T00:00:00.000000Z",
            "user": {"id": "admin", "name": "admin",
                     "domain": {"id": "default", "name": "Default"}},
            "project": {"id": PROJECT, "name": PROJECT,
                        "domain": {"id": "default", "name": "Default"}},
            "roles": [{"id": "admin", "name": "admin"}],
            "catalog": [
                service("orchestration", "heat", f"{base}/v1/%(tenant_id)s".replace(
                    "%(tenant_id)s", PROJECT)),
                service("cloudformation", "heat-cfn", f"{base}/v1"),
            ],
        }
    }


def write_config(state_dir: Path, host: str, port: int, *, debug: bool = False) -> Path:
    """Write heat.conf, the paste pipeline and the token response; return heat.conf."""
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "api-paste.ini").write_text(_PASTE_INI, encoding="utf-8")
    (state_dir / "token.json").write_text(json.dumps(token_response(host, port)), encoding="utf-8")
    database = state_dir / "heat.sqlite"
    base = f"http://{host}:{port}"
    conf = f"""\
# Written by tht_gen.heat.server for a Heat on {host}:{port} with no other service.
[DEFAULT]
debug = {str(debug).lower()}
log_file = {state_dir / 'heat.log'}
use_stderr = false
host = tht-gen-heat
transport_url = fake://
auth_encryption_key = {secrets.token_hex(16)}
deferred_auth_method = password
keystone_backend = heat.engine.clients.os.keystone.fake_keystoneclient.FakeKeystoneClient
stack_user_domain_name = heat_stack
stack_domain_admin = heat_stack_admin
stack_domain_admin_password = unused
heat_metadata_server_url = {base}
heat_waitcondition_server_url = {base}/v1/waitcondition
max_resources_per_stack = -1
max_stacks_per_tenant = -1
max_nested_stack_depth = 10
max_template_size = 104857600
max_json_body_size = 209715200
max_events_per_stack = 0
periodic_interval = 3600
num_engine_workers = 1
executor_thread_pool_size = 16
rpc_response_timeout = 600
convergence_engine = false

[database]
connection = sqlite:///{database}
max_pool_size = 1
max_overflow = 16

[paste_deploy]
flavor = noauth
api_paste_config = {state_dir / 'api-paste.ini'}

[noauth]
token_response = {state_dir / 'token.json'}

[oslo_policy]
enforce_new_defaults = false
enforce_scope = false

[yaql]
limit_iterators = 100000
memory_quota = 100000000

[oslo_messaging_notifications]
driver = noop
"""
    path = state_dir / "heat.conf"
    path.write_text(conf, encoding="utf-8")
    return path


def _serialise_sqlite_writers() -> None:
    """Make every sqlite transaction ``BEGIN IMMEDIATE``.

    The engine writes from several threads; with sqlite's default deferred
    transactions two of them can both read, then both try to write, and one
    fails with "database is locked" (stacks then end CREATE_FAILED). Taking
    the write lock at BEGIN makes them queue instead.
    """
    import sqlalchemy
    from sqlalchemy import event

    @event.listens_for(sqlalchemy.engine.Engine, "connect")  # type: ignore[untyped-decorator]
    def _no_pysqlite_transactions(dbapi_connection: Any, _record: Any) -> None:
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            dbapi_connection.execute("PRAGMA busy_timeout = 60000")

    @event.listens_for(sqlalchemy.engine.Engine, "begin")  # type: ignore[untyped-decorator]
    def _begin_immediate(connection: Any) -> None:
        # oslo.db emits a plain BEGIN unless its marker says one is open;
        # this listener runs first (class-level), so it sets the marker.
        if connection.dialect.name == "sqlite" and "in_transaction" not in connection.info:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            connection.info["in_transaction"] = True


def _pace_engine(step_seconds: float) -> None:
    """Let the engine wait ``step_seconds`` instead of Heat's 1 s between two steps of a task.

    Heat's engine runs an action as steps and sleeps a fixed second between
    them (``heat.engine.scheduler.TaskRunner``): a parent resource checks its
    nested stack once a second, so each level of nesting costs at least that
    much, whatever the machine. With nothing but Heat and sqlite behind it,
    the engine has no other service to wait for; shorter steps make a create
    of the whole overcloud several times faster, and cost CPU in exchange.
    The order of work and its result are Heat's own either way.
    """
    if step_seconds == 1.0:
        return
    from heat.engine import scheduler

    original = scheduler.TaskRunner._sleep

    def _sleep(self: Any, wait_time: float | None) -> None:
        original(self, wait_time * step_seconds if wait_time else wait_time)

    scheduler.TaskRunner._sleep = _sleep


def _version_document(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """The discovery document keystoneauth asks for at an explicit endpoint.

    Given ``orchestration_endpoint_override`` (as a noauth cloud must be),
    openstacksdk runs version discovery on that exact URL with the "version
    hack" off, and Heat's API has no document there (404), so the SDK cannot
    make its orchestration proxy. The document names the version root, as
    Heat's own root document does; keystoneauth keeps the project part of the
    given URL. Behind Keystone the catalog path is taken instead.
    """
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    body = json.dumps({"version": {
        "id": "v1.0", "status": "CURRENT",
        "links": [{"rel": "self", "href": f"http://{host}/v1/"}],
    }}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def serve(state_dir: Path, host: str = "127.0.0.1", port: int = 0, *,
          ready_file: Path | None = None, debug: bool = False, step_seconds: float = 1.0) -> None:
    """Run Heat's API and engine until SIGTERM/SIGINT. Blocks.

    ``step_seconds``: how long the engine waits between two steps of a task
    (Heat: 1 s, see :func:`_pace_engine`)."""
    # Heat 27 runs oslo.service on threads; the backend must be chosen before
    # oslo_service.service is imported anywhere.
    from oslo_service import backend
    backend.init_backend(backend.BackendType.THREADING)

    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    class _Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True
        allow_reuse_address = True

    class _QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # Heat logs requests itself, into heat.log

    # Bind first, so that port 0 gives a free port the token catalog can name.
    holder: dict[str, Any] = {"app": None}

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") == "GET" and path.rstrip("/") == f"/v1/{PROJECT}":
            return _version_document(environ, start_response)
        return holder["app"](environ, start_response)

    httpd = make_server(host, port, app, server_class=_Server, handler_class=_QuietHandler)
    port = httpd.server_address[1]
    conf_file = write_config(state_dir, host, port, debug=debug)

    import oslo_i18n
    from oslo_config import cfg
    from oslo_log import log as logging

    oslo_i18n.enable_lazy()
    logging.register_options(cfg.CONF)
    from heat import version as heat_version
    from heat.common import config as heat_config
    from heat.common import messaging

    cfg.CONF(["--config-file", str(conf_file)], project="heat", prog="heat-api",
             version=heat_version.version_info.version_string())
    logging.setup(cfg.CONF, "heat")
    heat_config.set_config_defaults()
    # The paste pipeline above names only what noauth needs; keep Heat's
    # request-size limits in step with the big templates we send.
    messaging.setup()

    _serialise_sqlite_writers()
    _pace_engine(step_seconds)
    from heat.db import api as db_api
    from heat.db import models
    engine = db_api.get_engine()
    models.BASE.metadata.create_all(engine)

    from heat.engine import service as engine_service
    from heat.rpc import api as rpc_api

    srv = engine_service.EngineService(cfg.CONF.host, rpc_api.ENGINE_TOPIC)
    srv.start()
    holder["app"] = heat_config.load_paste_app("heat-api")

    stopping = threading.Event()

    def _stop(_signum: int, _frame: Any) -> None:
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)

    info = {"pid": os.getpid(), "port": port, "url": orchestration_url(host, port),
            "state_dir": str(state_dir)}
    if ready_file is not None:
        tmp = ready_file.with_name(ready_file.name + ".tmp")
        tmp.write_text(json.dumps(info), encoding="utf-8")
        os.replace(tmp, ready_file)
    print(json.dumps(info), flush=True)
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        httpd.server_close()
        # Stopping the engine waits for stack threads; a test that stops the
        # server has no use for them, so give it a moment and then leave.
        stopper = threading.Thread(target=srv.stop, daemon=True)
        stopper.start()
        stopper.join(5)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tht_gen.heat.server",
        description="Run OpenStack Heat's API and engine in one process on loopback "
                    "(noauth, sqlite, in-process messaging), for tests and examples.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; keep it on loopback)")
    parser.add_argument("--port", type=int, default=8004, help="port (0: any free port; default 8004)")
    parser.add_argument("--state-dir", type=Path,
                        help="folder for config, database and log (default: a temporary one, removed on exit)")
    parser.add_argument("--ready-file", type=Path, help="write {pid, port, url} as JSON here when ready")
    parser.add_argument("--debug", action="store_true", help="debug logging in heat.log")
    parser.add_argument("--step-seconds", type=float, default=1.0, metavar="S",
                        help="how long the engine waits between two steps of a task (Heat's own: 1; "
                             "the tests use less: faster, for more CPU)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .availability import heat_available
    if not heat_available():
        from .availability import INSTALL_HINT
        print(f"OpenStack Heat is not installed; {INSTALL_HINT}", file=sys.stderr)
        return 2
    temporary = args.state_dir is None
    state_dir = Path(tempfile.mkdtemp(prefix="tht-gen-heat-")) if temporary else args.state_dir
    try:
        if not 0 < args.step_seconds <= 60:
            print("--step-seconds must be above 0 and at most 60", file=sys.stderr)
            return 2
        serve(state_dir.resolve(), args.host, args.port, ready_file=args.ready_file, debug=args.debug,
              step_seconds=args.step_seconds)
    except OSError as exc:
        print(f"cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    finally:
        if temporary:
            shutil.rmtree(state_dir, ignore_errors=True)
    # Engine threads may linger on stacks still in progress: leave without them.
    sys.stdout.flush()
    os._exit(0)


@dataclass
class HeatServer:
    """A :mod:`tht_gen.heat.server` child process, started and stopped by its pid.

    ``with HeatServer(state_dir) as heat: ... heat.url ...``
    """

    state_dir: Path
    host: str = "127.0.0.1"
    port: int = 0
    python: str = sys.executable
    startup_timeout: float = 120.0
    debug: bool = False
    step_seconds: float = 1.0  # the engine's wait between task steps (Heat's own: 1 s)
    process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    url: str = field(default="", init=False)
    pid: int = field(default=0, init=False)
    started_in: float = field(default=0.0, init=False)

    def start(self) -> HeatServer:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        ready = self.state_dir / "ready.json"
        ready.unlink(missing_ok=True)
        log = open(self.state_dir / "server.out", "wb")  # noqa: SIM115 - kept open for the child
        argv = [self.python, "-m", "tht_gen.heat.server", "--host", self.host, "--port", str(self.port),
                "--state-dir", str(self.state_dir), "--ready-file", str(ready)]
        if self.debug:
            argv.append("--debug")
        if self.step_seconds != 1.0:
            argv += ["--step-seconds", str(self.step_seconds)]
        began = time.monotonic()
        self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        self.pid = self.process.pid
        while not ready.exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"Heat server exited with {self.process.returncode} before it was ready:\n"
                                   + self.log_tail())
            if time.monotonic() - began > self.startup_timeout:
                self.stop()
                raise RuntimeError(f"Heat server not ready after {self.startup_timeout:.0f} s:\n" + self.log_tail())
            time.sleep(0.1)
        info = json.loads(ready.read_text(encoding="utf-8"))
        self.port = int(info["port"])
        self.url = str(info["url"])
        self._wait_answering(began)
        self.started_in = time.monotonic() - began
        return self

    def _wait_answering(self, began: float) -> None:
        root = f"http://{self.host}:{self.port}/"
        while True:
            try:
                with urllib.request.urlopen(root, timeout=5):
                    return
            except urllib.error.HTTPError:
                return  # Heat answers the version document with 300: it is up
            except (urllib.error.URLError, OSError):
                if time.monotonic() - began > self.startup_timeout:
                    raise RuntimeError("Heat server does not answer:\n" + self.log_tail()) from None
                time.sleep(0.1)

    def peak_rss_bytes(self) -> int | None:
        """The server's peak resident memory so far (Linux ``VmHWM``), or None if unknown."""
        try:
            text = Path(f"/proc/{self.pid}/status").read_text(encoding="ascii")
        except OSError:
            return None
        for line in text.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return None

    def log_tail(self, lines: int = 40) -> str:
        chunks = []
        for name in ("server.out", "heat.log"):
            path = self.state_dir / name
            if path.exists():
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
                chunks.append(f"--- {name} ---\n" + "\n".join(text))
        return "\n".join(chunks)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the server by its pid; SIGKILL it if it has not left after ``timeout``."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)

    def __enter__(self) -> HeatServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def free_port(host: str = "127.0.0.1") -> int:
    """A port free at the time of asking (the server itself prefers port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
