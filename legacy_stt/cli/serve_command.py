"""``legacy-stt serve``: run the compatibility proxy (thin: parse, start, wait for a signal, stop)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any, TextIO

from ._common import EMULATOR_KEY, EXIT_OK, PROG, UsageError, for_the_command_line, log_to

__all__ = ["add_serve_parser", "parse_size", "run_serve"]

# legacy_stt.proxy's defaults, written out: importing the proxy here would load uvicorn and
# aiohttp for every command (`legacy-stt check` must start fast). A test checks they agree.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_MAX_CONNECTIONS = 2048
DEFAULT_HEADER_TIMEOUT = 10.0
DEFAULT_BODY_TIMEOUT = 60.0
DEFAULT_KEEP_ALIVE_TIMEOUT = 5.0
DEFAULT_SHUTDOWN_GRACE = 30.0

_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_size(text: str) -> int:
    """Bytes in ``500M``, ``2G``, ``64KiB``, ``1048576`` (units are powers of 1024)."""
    match = _SIZE.match(text)
    if match is None:
        raise UsageError(
            f"--max-body-size: not a size: {text!r} (use bytes, or a number with K, M or G, as in 500M)"
        )
    size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if size <= 0:
        raise UsageError(f"--max-body-size must be more than 0 bytes; got {text!r}")
    return size


def add_serve_parser(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser(
        "serve",
        help="run a local HTTP proxy that answers the deprecated POST /v1/stt for any language",
        description=(
            "Answer legacy POST /v1/stt and POST /stt requests (JSON or multipart, from curl, "
            "JavaScript, anything) on the two-step API, and forward every other /v1/ request to "
            "the service unchanged. Stop it with Ctrl-C or SIGTERM."
        ),
        epilog=(
            "Callers send their own key (Authorization: Bearer ...). The upstream defaults to "
            "AIML_API_BASE_URL or https://api.aimlapi.com. Requests from web pages of other "
            "origins (403) and requests addressed to other host names (421, DNS rebinding) are "
            "refused unless allowed with --allowed-origin / --allowed-host."
        ),
    )
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})"
    )
    serve.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    serve.add_argument(
        "--upstream",
        metavar="URL",
        help="the service's base URL (default: AIML_API_BASE_URL or https://api.aimlapi.com)",
    )
    serve.add_argument(
        "--target",
        metavar="MODEL",
        help="run legacy requests on this newer model (answers keep the legacy shape)",
    )
    serve.add_argument(
        "--strict",
        action="store_true",
        help="refuse payloads with unknown or dropped parameters (400) instead of warning",
    )
    serve.add_argument(
        "--max-body-size",
        metavar="SIZE",
        help="largest request body accepted, e.g. 500M or 2G (default 2G); larger ones get 413",
    )
    serve.add_argument(
        "--api-key-env",
        metavar="NAME",
        help=(
            "environment variable holding a key for speech-to-text requests that send no "
            "Authorization header (legacy calls, create and poll)"
        ),
    )
    serve.add_argument(
        "--api-key-for-all-paths",
        action="store_true",
        help=(
            "lend the --api-key-env key to every forwarded /v1/ request without a key of its "
            "own (chat completions too), not only to the speech-to-text ones"
        ),
    )
    serve.add_argument(
        "--allowed-host",
        metavar="HOST",
        action="append",
        default=[],
        help=(
            "also answer requests addressed to this Host (NAME for any port, NAME:PORT, or * for "
            "any, e.g. behind a reverse proxy); repeatable. The listening address, and localhost "
            "on loopback, are always answered"
        ),
    )
    serve.add_argument(
        "--allowed-origin",
        metavar="ORIGIN",
        action="append",
        default=[],
        help=(
            "let web pages of this origin (scheme://host[:port]) call the proxy; repeatable. "
            "Pages of other origins get 403"
        ),
    )
    serve.add_argument(
        "--migration-guide-url",
        metavar="URL",
        help=(
            'where the rel="deprecation" Link header of legacy answers points '
            "(default: the package's page, https://pypi.org/project/legacy-stt/)"
        ),
    )
    serve.add_argument(
        "--poll-timeout",
        type=float,
        metavar="SECONDS",
        default=None,
        help="give up waiting for a job after this long and answer 504 (default 600)",
    )
    serve.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow a plain http:// upstream that is not on this machine",
    )
    limits = serve.add_argument_group(
        "limits", "what each connection may hold; the defaults suit a shared machine"
    )
    limits.add_argument(
        "--max-connections",
        type=int,
        metavar="N",
        default=DEFAULT_MAX_CONNECTIONS,
        help=f"open connections at once; one more is answered 503 (default {DEFAULT_MAX_CONNECTIONS})",
    )
    limits.add_argument(
        "--header-timeout",
        type=float,
        metavar="SECONDS",
        default=DEFAULT_HEADER_TIMEOUT,
        help=(
            "a connection must send a complete request head within this long, or it is "
            f"answered 408 and closed (default {DEFAULT_HEADER_TIMEOUT:g})"
        ),
    )
    limits.add_argument(
        "--body-timeout",
        type=float,
        metavar="SECONDS",
        default=DEFAULT_BODY_TIMEOUT,
        help=f"a request body that sends nothing for this long gets 408 (default {DEFAULT_BODY_TIMEOUT:g})",
    )
    limits.add_argument(
        "--keep-alive-timeout",
        type=float,
        metavar="SECONDS",
        default=DEFAULT_KEEP_ALIVE_TIMEOUT,
        help=f"idle connections between requests are closed after this long (default {DEFAULT_KEEP_ALIVE_TIMEOUT:g})",
    )
    limits.add_argument(
        "--shutdown-grace",
        type=float,
        metavar="SECONDS",
        default=DEFAULT_SHUTDOWN_GRACE,
        help=(
            "on SIGTERM or Ctrl-C, requests in flight get this long to finish; legacy calls "
            "still waiting then answer 503 with their generation_id "
            f"(default {DEFAULT_SHUTDOWN_GRACE:g})"
        ),
    )
    serve.add_argument(
        "--emulator",
        action="store_true",
        help="use the built-in emulator of the service as the upstream (offline demo, no key needed)",
    )
    serve.set_defaults(handler=run_serve)


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _fallback_key(name: str | None) -> str | None:
    if name is None:
        return None
    value = os.environ.get(name)
    if not value:
        raise UsageError(f"--api-key-env: the environment variable {name} is not set or empty")
    return value


@contextlib.contextmanager
def _upstream(args: argparse.Namespace) -> Iterator[str | None]:
    if not args.emulator:
        yield args.upstream
        return
    if args.upstream:
        raise UsageError("--emulator and --upstream cannot be used together")
    from ..testing import Emulator

    with Emulator(job_duration=0.2) as emulator:
        yield emulator.url


def _configure_logging(verbose: bool) -> None:
    # One line per request from the proxy at INFO; the library's other INFO lines (one per job
    # created) would double them. -v has configured DEBUG for everything already.
    if not verbose:
        log_to(sys.stderr, logging.WARNING, f"{PROG}: %(asctime)s %(levelname)s %(message)s")
        logging.getLogger("legacy_stt.proxy").setLevel(logging.INFO)
        # uvicorn's own warnings repeat what the proxy's lines say ("Invalid HTTP request")
        logging.getLogger("uvicorn.error").setLevel(logging.ERROR)


def _raise_descriptor_limit(wanted: int) -> None:
    """Let the process hold ``wanted`` connections (each one a file descriptor, twice: the
    caller's and the upstream's). Many systems start a process with a soft limit of 1024."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM (handlers restored afterwards)."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signals only reach the main thread; the caller stops the proxy itself
        return

    def handler(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_serve(args: argparse.Namespace, out: TextIO) -> int:
    from ..exceptions import ConfigurationError
    from ..proxy import CompatibilityProxy
    from .migration_commands import require_target

    err = sys.stderr
    missing = [name for name in ("uvicorn", "httptools", "aiohttp") if not _importable(name)]
    if missing:
        raise UsageError(
            f"legacy-stt serve needs {', '.join(missing)}: install the serve extra "
            "(pip install 'legacy-stt[serve]')"
        )
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be from 0 to 65535; got {args.port}")
    if args.poll_timeout is not None and not args.poll_timeout > 0:
        raise UsageError(f"--poll-timeout must be more than 0 seconds; got {args.poll_timeout}")
    options: dict[str, Any] = {}
    if args.max_body_size is not None:
        options["max_body_size"] = parse_size(args.max_body_size)
    if args.poll_timeout is not None:
        options["poll_timeout"] = args.poll_timeout
    if args.target:
        require_target(args.target)
        options["target"] = args.target
    fallback = _fallback_key(args.api_key_env)
    if args.api_key_for_all_paths and fallback is None:
        raise UsageError("--api-key-for-all-paths needs --api-key-env NAME (the key to lend)")
    if fallback is None and args.emulator:
        fallback = EMULATOR_KEY  # the emulator takes any key; this one is not a secret
    if args.migration_guide_url is not None:
        options["migration_guide_url"] = args.migration_guide_url
    for flag, value in (
        ("--header-timeout", args.header_timeout),
        ("--body-timeout", args.body_timeout),
        ("--keep-alive-timeout", args.keep_alive_timeout),
    ):
        if not value > 0:
            raise UsageError(f"{flag} must be more than 0 seconds; got {value:g}")
    if not args.shutdown_grace >= 0:
        raise UsageError(f"--shutdown-grace must be 0 seconds or more; got {args.shutdown_grace:g}")
    if args.max_connections < 1:
        raise UsageError(f"--max-connections must be at least 1; got {args.max_connections}")
    _configure_logging(args.verbose)
    _raise_descriptor_limit(2 * args.max_connections + 256)
    with _upstream(args) as upstream:
        try:
            proxy = CompatibilityProxy(
                host=args.host,
                port=args.port,
                upstream=upstream,
                strict=args.strict,
                fallback_api_key=fallback,
                fallback_key_all_paths=args.api_key_for_all_paths,
                allowed_hosts=args.allowed_host,
                allowed_origins=args.allowed_origin,
                allow_insecure_http=args.allow_insecure_http,
                max_connections=args.max_connections,
                header_timeout=args.header_timeout,
                body_timeout=args.body_timeout,
                keep_alive_timeout=args.keep_alive_timeout,
                shutdown_grace=args.shutdown_grace,
                **options,
            )
        except ConfigurationError as error:
            raise UsageError(for_the_command_line(error)) from None
        try:
            # The handlers are restored before stopping: a second Ctrl-C then interrupts a
            # stop that waits on slow requests.
            with _stop_on_signals() as stop:
                try:
                    proxy.start()
                except OSError as error:
                    raise UsageError(
                        f"cannot listen on {args.host}:{args.port}: {error.strerror or error}"
                    ) from None
                if not proxy.is_loopback:
                    print(
                        f"{PROG}: warning: listening on {args.host}: the proxy is reachable from "
                        "the network"
                        + (
                            ", and it lends its API key to every caller that can reach it"
                            if args.api_key_env
                            else ""
                        ),
                        file=err,
                    )
                shown = " (the built-in emulator)" if args.emulator else ""
                print(
                    f"{PROG} proxy listening on {proxy.url} -> upstream {proxy.display_upstream}{shown}",
                    file=err,
                    flush=True,
                )
                while not stop.wait(0.5):
                    pass
        finally:
            proxy.stop()
    print(f"{PROG} proxy stopped", file=err)
    return EXIT_OK
