"""moto server with drift-deploy's extensions; started in the background by scripts/emulator.

Usage: emulator_server.py --port-file FILE [--host 127.0.0.1] [--port 0]

Binds first (port 0 = any free port), then writes the bound port to FILE, so the caller
learns a port that is already listening and no other process can take it in between.
"""

from __future__ import annotations

import argparse
import functools
import os
import selectors
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto import backends
from moto.core import responses as moto_responses
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug import serving as werkzeug_serving
from werkzeug.serving import make_server
from werkzeug.wsgi import LimitedStream

from emulator_ext import (config_evaluations, dynamodb_costs, event_pattern, image_builder, instance_refresh,
                          launch_template_source_version, sqs_costs)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _advancing_refreshes(app: WsgiApp) -> WsgiApp:
    """Lets instance refreshes catch up with the clock before each request is answered."""

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        instance_refresh.advance_all()
        return app(environ, start_response)

    return serve


def _atomic_dynamodb(app: WsgiApp) -> WsgiApp:
    """Answers DynamoDB requests one at a time.

    DynamoDB evaluates a condition and applies the write atomically, which is what makes
    conditional writes safe under concurrent callers; moto checks and writes in separate steps
    on a threaded server, so two racing conditional updates can both pass. Serialising DynamoDB
    requests (and only those) restores the documented atomicity.
    """
    lock = threading.Lock()

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            return app(environ, start_response)
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
    args = parser.parse_args(argv)

    _moto_modules_listed_once()
    _moto_action_names_read_once()
    instance_refresh.install()
    config_evaluations.install()
    event_pattern.install()
    launch_template_source_version.install()
    image_builder.install()
    dynamodb_costs.install()
    sqs_costs.install()
    werkzeug_serving.selectors = KeepAliveRequestHandler.NoTrailingRead

    app = image_builder.serve(_atomic_dynamodb(_advancing_refreshes(DomainDispatcherApplication(create_backend_app))))
    server = make_server(args.host, args.port, app, threaded=True, request_handler=KeepAliveRequestHandler)
    port = server.server_port
    # moto tells code it runs on its behalf (Lambda, Batch) to call back on MOTO_PORT.
    os.environ["MOTO_PORT"] = str(port)
    temporary = f"{args.port_file}.tmp"
    with open(temporary, "w") as port_file:
        port_file.write(f"{port}\n")
    os.replace(temporary, args.port_file)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"drift-deploy emulator (moto server) listening on http://{args.host}:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
