"""moto server with drift-deploy's extensions; started in the background by scripts/emulator.

Usage: emulator_server.py --port-file FILE [--host 127.0.0.1] [--port 0]

Binds first (port 0 = any free port), then writes the bound port to FILE, so the caller
learns a port that is already listening and no other process can take it in between.

DynamoDB is answered by a second moto process that this one starts (--dynamodb-for PID marks
it), so that the two use both of a machine's cores: see _dynamodb_in_its_own_process.
"""

from __future__ import annotations

import argparse
import atexit
import functools
import http.client
import io
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from moto import backends
from moto.core import responses as moto_responses
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug import serving as werkzeug_serving
from werkzeug.serving import make_server
from werkzeug.wsgi import LimitedStream

from emulator_ext import (config_evaluations, dynamodb_costs, event_pattern, health_replacement, image_builder,
                          include_instances, instance_refresh, launch_template_source_version, organizations_calls,
                          quarantine_calls, shared_images, sqs_costs, sqs_receive)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _advancing_refreshes(app: WsgiApp) -> WsgiApp:
    """Lets instance refreshes and health check replacements catch up with the clock before each request is answered."""

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        instance_refresh.advance_all()
        health_replacement.advance_all()
        return app(environ, start_response)

    return serve


def _is_dynamodb(environ: dict[str, Any]) -> bool:
    # DynamoDB's and DynamoDB Streams' targets; Streams reads the tables, so they stay together.
    return environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB")


# Hop-by-hop headers; a request's body is forwarded whole (de-chunked) with a length of its own, and
# a response gets the two headers every response of this server gets anew.
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "expect"}
_REQUEST_NOT_FORWARDED = _HOP_BY_HOP | {"content-length"}
_RESPONSE_NOT_FORWARDED = _HOP_BY_HOP | {"server", "date"}


def _read_body(environ: dict[str, Any]) -> bytes:
    """Reads the request's body whole, leaving the environ to hand it on as if it were unread."""
    body = environ["wsgi.input"].read()
    environ["wsgi.input"] = LimitedStream(io.BytesIO(body), len(body))
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ.pop("wsgi.input_terminated", None)
    return body


def _dynamodb_in_its_own_process(app: WsgiApp, upstream_port: int) -> WsgiApp:
    """Answers DynamoDB requests by forwarding them to a second moto process.

    moto answers on one Python thread (the GIL), and DynamoDB requests one at a time (see
    _atomic_dynamodb), so a busy test waited on DynamoDB while the machine's second core
    idled: in a drift storm, six of ten calls are DynamoDB's. In AWS, DynamoDB is a service of
    its own, and moto keeps no state that DynamoDB shares with the other services drift-deploy
    calls, so the second process changes no answer. Each server thread keeps one connection
    to it; a request is sent again only when a kept connection turned out closed before it was
    sent, never once the second process may have applied it. POST /moto-api/reset resets both.
    """
    connections = threading.local()

    def send(method: str, target: str, body: bytes, headers: dict[str, str]) -> tuple[http.client.HTTPResponse, bytes]:
        connection = getattr(connections, "connection", None)
        reused = connection is not None
        if connection is None:
            connection = connections.connection = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=300)
            connection.connect()
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            return response, response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            connection.close()
            connections.connection = None
            if not reused:
                raise
            # The kept connection had been closed: the request never reached a handler.
            return send(method, target, body, headers)

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        resets = environ.get("PATH_INFO") == "/moto-api/reset" and environ.get("REQUEST_METHOD") == "POST"
        if not _is_dynamodb(environ) and not resets:
            return app(environ, start_response)
        body = _read_body(environ)
        headers = {name: value for name, value in
                   ((key[5:].replace("_", "-"), value) for key, value in environ.items() if key.startswith("HTTP_"))
                   if name.lower() not in _REQUEST_NOT_FORWARDED}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        headers["Content-Length"] = str(len(body))
        target = environ.get("PATH_INFO", "/") + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
        response, data = send(environ["REQUEST_METHOD"], target, body, headers)
        if resets:
            return app(environ, start_response)
        start_response(f"{response.status} {response.reason}",
                       [(name, value) for name, value in response.getheaders() if name.lower() not in _RESPONSE_NOT_FORWARDED])
        return [data]

    return serve


def _start_dynamodb_process(host: str, port_file: str) -> int:
    """Starts this server again for DynamoDB on a free port; returns the port once it listens."""
    dynamodb_port_file = f"{port_file}.dynamodb"
    if os.path.exists(dynamodb_port_file):
        os.remove(dynamodb_port_file)
    process = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--host", host, "--port", "0",
                                "--port-file", dynamodb_port_file, "--dynamodb-for", str(os.getpid())])
    atexit.register(process.terminate)
    deadline = time.monotonic() + 60
    while not os.path.exists(dynamodb_port_file):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the DynamoDB process did not start (exit code {process.poll()})")
        time.sleep(0.05)
    with open(dynamodb_port_file) as written:
        return int(written.read())


def _exit_with(parent: int) -> None:
    """Ends the DynamoDB process when the server that started it is gone, however it ended."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _atomic_dynamodb(app: WsgiApp) -> WsgiApp:
    """Answers DynamoDB requests one at a time.

    DynamoDB evaluates a condition and applies the write atomically, which is what makes
    conditional writes safe under concurrent callers; moto checks and writes in separate steps
    on a threaded server, so two racing conditional updates can both pass. Serialising DynamoDB
    requests (and only those) restores the documented atomicity.
    """
    lock = threading.Lock()

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not _is_dynamodb(environ):
            return app(environ, start_response)
        # Read before taking the lock: a client slow to send its body must not hold up every other.
        _read_body(environ)
        with lock:
            return list(app(environ, start_response))

    return serve


class KeepAliveRequestHandler(MotoRequestHandler):
    """Keeps a client's connection open between requests, as AWS's endpoints do.

    Werkzeug's development server closes every connection after one response, because
    http.server cannot skip a request body the application left unread. So each AWS call
    cost a TCP connection and a server thread of its own: a 1,000-event drift storm opened
    8,000 connections and left them in TIME-WAIT, close to running the machine's ephemeral
    ports out. Here the body is bounded by its Content-Length (or its chunked encoding) and
    read to its end after the response, so the next request starts where it should; a
    connection whose body cannot be read to the end is closed.
    """

    # An idle keep-alive connection holds a thread; clients close theirs long before this.
    timeout = 120

    def setup(self) -> None:
        super().setup()
        # A response goes out as two writes (headers, body). On a kept connection, Nagle's algorithm
        # held the second until the client's delayed ACK, 40 ms later: every call took 50 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    class NoTrailingRead:
        """Stands in for the selectors module in werkzeug.serving, whose one use is to read
        whatever a client sent after the request, for up to 10 ms after every response: on a
        kept-alive connection that is the next request, so it is not read there."""

        EVENT_READ = selectors.EVENT_READ

        class DefaultSelector:
            def register(self, *_: Any) -> None:
                pass

            def select(self, timeout: float | None = None) -> list[Any]:
                return []

            def close(self) -> None:
                pass

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        if not environ.get("wsgi.input_terminated"):
            length = environ.get("CONTENT_LENGTH", "")
            environ["wsgi.input"] = LimitedStream(self.rfile, int(length) if length.isdigit() else 0)
        self.request_body = environ["wsgi.input"]
        return environ

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # A line per answered call was a few percent of the server's time in a storm; refusals and failures are kept.
        try:
            answered = int(code) < 400
        except (TypeError, ValueError):
            answered = False
        if not answered:
            super().log_request(code, size)

    def send_header(self, keyword: str, value: str) -> None:
        # Werkzeug sends "Connection: close" on every response; a client that asked to close still gets it.
        if keyword.lower() == "connection" and value.lower() == "close" and not self.close_connection:
            return
        super().send_header(keyword, value)

    def run_wsgi(self) -> None:
        super().run_wsgi()
        if self.close_connection:
            return
        try:
            while self.request_body.read(65536):
                pass
        except Exception:
            self.close_connection = True


def _moto_modules_listed_once() -> None:
    """moto lists its package directory (a listdir and a stat per entry) for every request, to
    tell a service from the Host header; the list cannot change while the server runs."""
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules


def _moto_action_names_read_once() -> None:
    """moto lists a response class's methods (inspect.getmembers) on every request to check the
    action exists; read lazily, after the extensions have added theirs, the list stays valid."""
    moto_responses.method_names_from_class = functools.cache(moto_responses.method_names_from_class)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--dynamodb-for", type=int, metavar="PID",
                        help="serve DynamoDB for the emulator server PID, and end with it")
    args = parser.parse_args(argv)

    _moto_modules_listed_once()
    _moto_action_names_read_once()
    instance_refresh.install()
    include_instances.install()
    health_replacement.install()
    config_evaluations.install()
    event_pattern.install()
    launch_template_source_version.install()
    quarantine_calls.install()
    shared_images.install()
    organizations_calls.install()
    image_builder.install()
    dynamodb_costs.install()
    sqs_costs.install()
    sqs_receive.install()
    werkzeug_serving.selectors = KeepAliveRequestHandler.NoTrailingRead

    app = image_builder.serve(_atomic_dynamodb(_advancing_refreshes(DomainDispatcherApplication(create_backend_app))))
    if args.dynamodb_for:
        _exit_with(args.dynamodb_for)
    else:
        app = _dynamodb_in_its_own_process(app, _start_dynamodb_process(args.host, args.port_file))
    server = make_server(args.host, args.port, app, threaded=True, request_handler=KeepAliveRequestHandler)
    port = server.server_port
    # moto tells code it runs on its behalf (Lambda, Batch) to call back on MOTO_PORT.
    os.environ["MOTO_PORT"] = str(port)
    temporary = f"{args.port_file}.tmp"
    with open(temporary, "w") as port_file:
        port_file.write(f"{port}\n")
    os.replace(temporary, args.port_file)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    role = f"DynamoDB for {args.dynamodb_for}" if args.dynamodb_for else "moto server"
    print(f"drift-deploy emulator ({role}) listening on http://{args.host}:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
