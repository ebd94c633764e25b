"""An emulator of the AI/ML API speech-to-text service, on loopback.

It is a real HTTP server (started in a background thread) that follows the
published description: it checks create bodies against the target model's
create schema and answers 400 for a parameter the model does not take,
answers polls in either status vocabulary, returns results in each model
family's shape (MAI-Transcribe's create answers and results as its page
shows them: an id that is not a UUID, beside a status; the text with
seconds and cost), forgets results after their retention time, and serves the
deprecated one-call endpoint (``/v1/stt`` and the unversioned ``/stt``),
which -- like the real one -- gives up on audio that takes too long.

Faults are scripted: ``inject()`` makes the next requests to a route answer
with a status (429 with ``Retry-After``, any 5xx), a malformed body, a
delay or a dropped connection; ``fail_next_jobs()`` makes jobs end in
failure; ``expire()`` forgets a job. Every request is recorded (without its
``Authorization`` header) so tests can count the jobs created and see what
was sent.

Request bodies are read as they arrive: a multipart upload is parsed a
chunk at a time and its file spooled to a temporary file (deleted once the
request is answered), so a large upload does not sit in memory. Only JSON
bodies, which are small, are read whole.

Use it as a context manager::

    with Emulator() as service:
        client = legacy_stt.Client("any-key", base_url=service.url)
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import secrets
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import unquote

from ..compat.request_bodies import LengthBody, RequestBody, open_request_body
from ..exceptions import RequestRejected
from ..payloads.forms import (
    FilePart,
    FormError,
    ParsedForm,
    boundary_of,
    decode_form_fields,
    parse_multipart,
)
from ..payloads.schema import CREATE_SCHEMA_NAMES, load_schema, validator_for
from . import recognizer

__all__ = ["Emulator", "Fault", "RecordedRequest", "Job", "VOCABULARIES", "ROUTES", "FAULT_KINDS"]

logger = logging.getLogger(__name__)

#: Status names per vocabulary: for each phase of a job, the word a poll answers.
VOCABULARIES: dict[str, dict[str, str]] = {
    # the published enum
    "documented": {
        "pending": "queued",
        "running": "generating",
        "done": "completed",
        "failed": "error",
    },
    # what the documentation's examples wait on (and AssemblyAI-backed jobs' failure word)
    "examples": {
        "pending": "waiting",
        "running": "active",
        "done": "completed",
        "failed": "failed",
    },
}

#: Route names for ``inject()``.
ROUTES = ("create", "poll", "legacy")
#: Connections the listener queues before the kernel drops new ones (a dropped one is retried
#: by its client only after a second: a thousand clients starting at once would wait for that).
DEFAULT_BACKLOG = 1024
#: What an injected ``Fault`` does.
FAULT_KINDS = ("status", "delay", "reset", "drop-after", "drip", "drip-headers", "huge")

_POLL_PATH = re.compile(r"^/v1/stt/([^/]+)$")
_LEGACY_PATHS = ("/v1/stt", "/stt")
_UPLOAD_FIELDS = ("audio", "file")


@dataclass
class Fault:
    """A scripted misbehaviour for the next ``times`` requests to ``route``.

    ``kind`` is ``"status"`` (answer ``status`` with ``body`` and
    ``headers``; ``body`` may be bytes to send a malformed one), ``"delay"``
    (wait ``delay`` seconds, then answer normally), ``"reset"`` (drop the
    connection without answering), ``"drop-after"`` (do the work -- a
    create makes its job -- then drop the connection instead of answering:
    the lost answer that makes a retried create bill twice), ``"drip"`` (do
    the work, send the status line and headers, then the body one byte every
    ``delay`` seconds), ``"drip-headers"`` (the same, from the first header
    line on) or ``"huge"`` (answer 200 with a JSON body of ``size`` bytes,
    streamed; no work is done).
    """

    route: str
    kind: str = "status"
    status: int = 503
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    times: int = 1
    size: int = 0


@dataclass
class RecordedRequest:
    """One request the emulator received. The ``Authorization`` header is not kept."""

    method: str
    path: str
    route: str | None
    content_type: str
    authorized: bool
    json: Any = None
    form: dict[str, Any] = field(default_factory=dict)
    files: dict[str, tuple[str, str, int]] = field(
        default_factory=dict
    )  # field -> (filename, type, size)
    status: int | None = None
    user_agent: str = ""


@dataclass
class Job:
    generation_id: str
    model: str
    schema: str
    params: dict[str, Any]
    facts: recognizer.AudioFacts
    created: float
    duration: float
    failure: str | None = None
    expired: bool = False
    forced_status: str | None = None
    result: Any = None


class _HTTPError(Exception):
    def __init__(
        self, status: int, message: str | list[str], headers: dict[str, str] | None = None
    ) -> None:
        self.status = status
        self.message = message
        self.headers = headers or {}
        super().__init__(str(message))


_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def _error_body(status: int, message: str | list[str]) -> dict[str, Any]:
    # The shape of the service's framework (NestJS): statusCode, message, error.
    return {"statusCode": status, "message": message, "error": _REASONS.get(status, "Error")}


def _models_by_schema() -> dict[str, str]:
    table: dict[str, str] = {}
    for name in CREATE_SCHEMA_NAMES:
        for model in load_schema(name)["properties"]["model"]["enum"]:
            table[model] = name
    return table


def _family_of_schema(schema: str) -> str:
    if schema in ("create-nova-2", "create-whisper", "create-nova-3"):
        return "deepgram"
    if schema == "create-aai":
        return "assemblyai"
    if schema == "create-mai-transcribe":
        return "mai"
    return "openai"


def _new_generation_id(schema: str) -> str:
    if schema == "create-mai-transcribe":
        # The MAI-Transcribe page shows an id that is not a UUID; clients must not expect one.
        return f"mai-{secrets.token_hex(12)}"
    return str(uuid.uuid4())


@dataclass
class _Body:
    """What a request carried: its bytes (JSON, read whole) or its multipart form (streamed).

    ``form_error`` is a multipart body that could not be read; it is
    answered where the body is looked at, after the route, fault and
    authorization checks, as before.
    """

    data: bytes = b""
    form: ParsedForm | None = None
    form_error: _HTTPError | None = None

    def close(self) -> None:
        if self.form is not None:
            self.form.close()  # deletes the spooled files


def _declared_type(form: ParsedForm, part: FilePart) -> str:
    """The media type a file part declared, or ``text/plain`` (RFC 7578's default) if none.

    The parser reports a part without a ``Content-Type`` as
    ``application/octet-stream``; the service's framework (multer) records
    ``text/plain``, and so did the emulator before it parsed as a stream.
    """
    for raw in form._parts:
        if raw.file is part.file:
            return part.content_type if raw.headers.get("Content-Type") else "text/plain"
    return part.content_type


class _EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The standard one prints a traceback; a client that gave up (a timeout in a test) is
        # routine, and anything else is for the log.
        logger.debug("emulator: a connection ended with an error", exc_info=True)


class Emulator:
    """The speech-to-text service on ``127.0.0.1``, for tests and demos.

    ``vocabulary`` is ``"documented"``, ``"examples"`` or a mapping of the
    phases ``pending``, ``running``, ``done``, ``failed`` to status words.
    ``job_duration`` is how long each job takes (seconds; or a function of
    the job's parameters, for jobs of different lengths), ``create_status``
    the status of a successful create (200 as documented, or 201),
    ``api_key`` the only key accepted (any bearer key if ``None``),
    ``result_ttl`` how long results are kept (one hour, as documented),
    ``legacy_timeout`` how long the one-call endpoint works on a job before
    it answers 504, ``poll_retry_after`` a ``Retry-After`` value sent
    with every poll answer, ``backlog`` the listen queue (the standard
    library's 5 would drop the connections of many clients starting at once),
    and ``ssl_context`` a server-side TLS context to serve ``https://``
    instead (for tests of certificate checks).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        vocabulary: str | Mapping[str, str] = "documented",
        job_duration: float | Callable[[Mapping[str, Any]], float] = 0.05,
        create_status: int = 200,
        api_key: str | None = None,
        result_ttl: float = 3600.0,
        legacy_timeout: float = 30.0,
        poll_retry_after: str | None = None,
        backlog: int = DEFAULT_BACKLOG,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.vocabulary = vocabulary
        self.job_duration = job_duration
        self.create_status = create_status
        self.api_key = api_key
        self.result_ttl = result_ttl
        self.legacy_timeout = legacy_timeout
        self.poll_retry_after = poll_retry_after
        self.backlog = backlog
        self.ssl_context = ssl_context
        self.requests: list[RecordedRequest] = []
        self.jobs: dict[str, Job] = {}
        self._faults: list[Fault] = []
        self._failures: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._schema_of_model = _models_by_schema()

    def __repr__(self) -> str:
        state = self.url if self._server else "stopped"
        return f"<Emulator {state} vocabulary={self.vocabulary!r}>"

    # -- life cycle -------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError(
                "the emulator is not running; call start() or use it as a context manager"
            )
        host, port = self._server.server_address[:2]
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{host!s}:{port}"

    def start(self) -> Emulator:
        if self._server is not None:
            return self
        server = _EmulatorServer((self.host, self.port), _Handler, bind_and_activate=False)
        server.request_queue_size = self.backlog
        try:
            server.server_bind()
            server.server_activate()
            if self.ssl_context is not None:
                # Each accepted connection does its TLS handshake in its own handler thread.
                server.socket = self.ssl_context.wrap_socket(
                    server.socket, server_side=True, do_handshake_on_connect=False
                )
        except BaseException:
            server.server_close()
            raise
        server.emulator = self  # type: ignore[attr-defined]
        self._server = server
        # a short poll interval keeps stop() quick (the default makes it wait up to half a second)
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="stt-emulator",
            daemon=True,
        )
        self._thread.start()
        logger.debug("emulator listening on %s", self.url)
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    # -- scripting --------------------------------------------------------

    def inject(
        self,
        route: str,
        status: int = 503,
        *,
        kind: str = "status",
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
        times: int = 1,
        size: int = 0,
    ) -> Fault:
        """Make the next ``times`` requests to ``route`` misbehave (see ``Fault``)."""
        if route not in ROUTES:
            raise ValueError(f"route must be one of {ROUTES}; got {route!r}")
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}; got {kind!r}")
        fault = Fault(route, kind, status, body, dict(headers or {}), delay, times, size)
        with self._lock:
            self._faults.append(fault)
        return fault

    def rate_limit(
        self, route: str = "create", *, retry_after: str | None = "1", times: int = 1
    ) -> Fault:
        """Answer 429 (with ``Retry-After`` if given) to the next ``times`` requests to ``route``."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return self.inject(
            route, 429, headers=headers, body=_error_body(429, "Too many requests"), times=times
        )

    def fail_next_jobs(self, count: int = 1, message: str = "audio could not be decoded") -> None:
        """Make the next ``count`` jobs created end in failure with ``message``."""
        with self._lock:
            self._failures.extend([message] * count)

    def expire(self, generation_id: str) -> None:
        """Forget a job, as the service does one hour after creation."""
        with self._lock:
            self.jobs[generation_id].expired = True

    def force_status(self, generation_id: str, status: str | None) -> None:
        """Make polls of a job answer ``status`` (any word) until set back to ``None``."""
        with self._lock:
            self.jobs[generation_id].forced_status = status

    def clear_faults(self) -> None:
        """Forget the faults not yet used up."""
        with self._lock:
            self._faults.clear()

    def reset(self) -> None:
        """Forget recorded requests, jobs and pending faults."""
        with self._lock:
            self.requests.clear()
            self.jobs.clear()
            self._faults.clear()
            self._failures.clear()

    # -- observation ------------------------------------------------------

    @property
    def creates(self) -> list[RecordedRequest]:
        """Every ``POST /v1/stt/create`` received (each one that succeeded made a billed job)."""
        return [r for r in self.requests if r.route == "create"]

    @property
    def polls(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.route == "poll"]

    # -- internals used by the handler ------------------------------------

    def _take_fault(self, route: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.route == route and fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _words(self) -> Mapping[str, str]:
        if isinstance(self.vocabulary, str):
            return VOCABULARIES[self.vocabulary]
        return self.vocabulary

    def _check_auth(self, header: str | None) -> bool:
        if not header or not header.startswith("Bearer ") or not header[7:].strip():
            return False
        return self.api_key is None or header[7:].strip() == self.api_key

    def _create(self, params: dict[str, Any], upload: FilePart | None, *, json_body: bool) -> Job:
        model = params.get("model")
        if not isinstance(model, str) or not model:
            raise _HTTPError(400, ["model must be a string", "model should not be empty"])
        schema_name = self._schema_of_model.get(model)
        if schema_name is None:
            raise _HTTPError(400, f"Model {model!r} is not supported for speech-to-text")
        schema = load_schema(schema_name)
        properties = schema["properties"]
        upload_field = next((name for name in _UPLOAD_FIELDS if name in properties), "audio")
        audio_bytes: bytes | None = None
        if upload is not None:
            if upload.name != upload_field:
                raise _HTTPError(
                    400,
                    f"Unexpected field {upload.name!r}: {model} takes the file in the field {upload_field!r}",
                )
        elif json_body and isinstance(params.get(upload_field), dict):
            buffer = params[upload_field].get("buffer")
            if isinstance(buffer, dict) and isinstance(buffer.get("data"), list):
                try:
                    audio_bytes = bytes(buffer["data"])
                except (TypeError, ValueError):
                    raise _HTTPError(
                        400, f"{upload_field}.buffer.data must be bytes (0-255)"
                    ) from None
        unknown = [name for name in params if name not in properties]
        if unknown:
            raise _HTTPError(400, [f"property {name} should not exist" for name in unknown])
        checked = {
            k: v for k, v in params.items() if not (k == upload_field and upload is not None)
        }
        errors = sorted(
            validator_for(schema_name).iter_errors(checked), key=lambda e: list(e.absolute_path)
        )
        if errors:
            raise _HTTPError(
                400,
                [f"{'.'.join(map(str, e.absolute_path)) or 'body'}: {e.message}" for e in errors],
            )
        has_url = "url" in params
        has_upload = upload is not None or upload_field in params
        if not has_url and not has_upload:
            raise _HTTPError(400, f"Either url or {upload_field} must be provided")
        if has_url and has_upload:
            raise _HTTPError(400, f"Provide either url or {upload_field}, not both")
        if has_upload and upload is None and audio_bytes is None:
            raise _HTTPError(
                400, f"{upload_field} must be sent as a file in a multipart/form-data request"
            )
        if (upload is not None and upload.size == 0) or audio_bytes == b"":
            raise _HTTPError(400, f"The uploaded {upload_field} is empty")
        if upload is not None:
            facts = recognizer.audio_facts(file=upload.file, size=upload.size)
        else:
            facts = recognizer.audio_facts(audio=audio_bytes, url=params.get("url"))
        job = Job(
            generation_id=_new_generation_id(schema_name),
            model=model,
            schema=schema_name,
            params={k: v for k, v in params.items() if k != upload_field},
            facts=facts,
            created=time.monotonic(),
            duration=self._duration_of(params),
        )
        with self._lock:
            if self._failures:
                job.failure = self._failures.pop(0)
            self.jobs[job.generation_id] = job
        return job

    def _duration_of(self, params: Mapping[str, Any]) -> float:
        duration = self.job_duration
        return float(duration(params) if callable(duration) else duration)

    def _phase(self, job: Job) -> str:
        elapsed = time.monotonic() - job.created
        if elapsed < job.duration * 0.2:
            return "pending"
        if elapsed < job.duration:
            return "running"
        return "failed" if job.failure else "done"

    def _result(self, job: Job) -> Any:
        if job.result is None:
            family = _family_of_schema(job.schema)
            if family == "deepgram":
                arch = (
                    "nova-3"
                    if job.schema == "create-nova-3"
                    else ("whisper" if job.schema == "create-whisper" else "nova-2")
                )
                job.result = recognizer.deepgram_result(
                    job.generation_id, job.model, job.params, job.facts, arch=arch
                )
            elif family == "assemblyai":
                job.result = recognizer.assemblyai_result(
                    job.generation_id, job.model, job.params, job.facts
                )
            elif family == "mai":
                job.result = recognizer.mai_result(
                    job.generation_id, job.model, job.params, job.facts
                )
            else:
                job.result = recognizer.openai_result(
                    job.generation_id, job.model, job.params, job.facts
                )
        return job.result

    def _poll(self, generation_id: str) -> tuple[dict[str, Any], dict[str, str]]:
        with self._lock:
            job = self.jobs.get(generation_id)
        if job is None or job.expired or time.monotonic() - job.created > self.result_ttl:
            raise _HTTPError(404, f"Generation {generation_id} not found")
        words = self._words()
        phase = self._phase(job)
        status = job.forced_status or words[phase]
        body: dict[str, Any] = {
            "generation_id": generation_id,
            "status": status,
            "result": None,
            "error": None,
        }
        if phase == "done" and job.forced_status is None:
            body["result"] = self._result(job)
        elif phase == "failed" and job.forced_status is None:
            body["error"] = {"name": "TranscriptionError", "message": job.failure}
        headers = {"Retry-After": self.poll_retry_after} if self.poll_retry_after else {}
        return body, headers


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "stt-emulator"
    # Headers and body go out in two writes; with Nagle's algorithm the body waits for the
    # client's delayed ACK (40 ms on Linux) on every kept-alive answer, which no real server
    # adds to every request.
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return self.server_version  # the standard one appends " <sys_version>", here empty

    @property
    def emulator(self) -> Emulator:
        return self.server.emulator  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug(
            "emulator: %s", format % args
        )  # the request line only; headers are never logged

    # -- plumbing ---------------------------------------------------------

    def _receive(self, route: str | None, source: RequestBody) -> _Body:
        """Read a POST body: a multipart form streamed (files spooled), JSON whole, others skipped."""
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("multipart/form-data"):
            body = _Body()
            if route in ("create", "legacy"):
                if boundary_of(content_type) is None:
                    body.form_error = _HTTPError(400, "Multipart: Boundary not found")
                else:
                    length = source.remaining if isinstance(source, LengthBody) else None
                    try:
                        body.form = parse_multipart(source, content_type, content_length=length)
                    except FormError as error:
                        body.form_error = _HTTPError(400, f"Multipart: {error}")
            source.skip()  # an epilogue, or what is left after an error
            return body
        if content_type.startswith("application/json") or not content_type:
            return _Body(data=source.read())
        source.skip()  # answered 415 unread
        return _Body()

    def _send(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-request-id", str(uuid.uuid4()))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _drop_connection(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _parse(
        self,
        body: _Body,
        record: RecordedRequest,
        properties_of_model: Callable[[str | None], Mapping[str, Any]],
    ) -> tuple[dict[str, Any], FilePart | None, bool]:
        """Parameters, the uploaded file (if any) and whether the body was JSON.

        Multipart fields arrive as text; ``properties_of_model`` gives the
        schemas that say which type each field has, for the model named.
        """
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("multipart/form-data"):
            if body.form_error is not None:
                raise body.form_error
            assert body.form is not None
            fields, files = body.form.fields, body.form.files
            if len(files) > 1:
                raise _HTTPError(400, "Only one file can be uploaded")
            model = next((value for name, value in fields if name == "model"), None)
            params = decode_form_fields(fields, properties_of_model(model))
            record.form = params
            record.files = {
                f.name: (f.filename, _declared_type(body.form, f), f.size) for f in files
            }
            return params, (files[0] if files else None), False
        data = body.data
        if content_type.startswith("application/json") or (data and not content_type):
            try:
                parsed = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise _HTTPError(400, "Unexpected token in JSON body") from None
            record.json = parsed
            if not isinstance(parsed, dict):
                raise _HTTPError(400, "The body must be a JSON object")
            return parsed, None, True
        raise _HTTPError(415, f"Unsupported content type {content_type or '(none)'}")

    def _handle(self, method: str) -> None:
        self._drop_after = False
        self._drip: Fault | None = None
        path = self.path.split("?", 1)[0]
        route: str | None = None
        if method == "POST" and path == "/v1/stt/create":
            route = "create"
        elif method == "GET" and _POLL_PATH.match(path) and path != "/v1/stt/create":
            route = "poll"
        elif method == "POST" and path in _LEGACY_PATHS:
            route = "legacy"
        emulator = self.emulator
        record = RecordedRequest(
            method=method,
            path=path,
            route=route,
            content_type=self.headers.get("Content-Type", ""),
            authorized=emulator._check_auth(self.headers.get("Authorization")),
            user_agent=self.headers.get("User-Agent", ""),
        )
        body = _Body()
        try:
            source = open_request_body(self.headers, self.rfile) if method == "POST" else None
            if source is not None:
                body = self._receive(route, source)
        except RequestRejected as error:
            body.close()
            # the rest of the connection cannot be read as requests any more
            self.close_connection = True
            with emulator._lock:
                emulator.requests.append(record)
            record.status = error.status
            with contextlib.suppress(OSError):  # the sender may be gone (a body broken off)
                self._send(
                    error.status,
                    _error_body(error.status, f"Bad request body: {error}"),
                    {"Connection": "close"},
                )
            return
        with emulator._lock:
            emulator.requests.append(record)
        try:
            answer = self._answer(method, path, route, record, body)
        except _HTTPError as error:
            answer = (error.status, _error_body(error.status, error.message), error.headers)
        finally:
            body.close()  # spooled uploads are deleted before the answer goes out
        if answer is None:
            return
        if self._drop_after:
            record.status = 0
            self._drop_connection()
            return
        status, payload, headers = answer
        record.status = status
        if self._drip is not None:
            self._send_slowly(status, payload, headers, self._drip)
            return
        self._send(status, payload, headers)

    def _send_slowly(
        self, status: int, body: Any, headers: Mapping[str, str], fault: Fault
    ) -> None:
        """The answer, dripped: a byte (or, with ``drip-headers``, a header line) per ``fault.delay``.

        Every piece arrives well within any read timeout; only a bound on the
        whole answer stops a client from waiting for it all. Stops when the
        client goes away.
        """
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        lines = [
            f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}\r\n".encode(),
            b"Content-Type: application/json\r\n",
            f"Content-Length: {len(data)}\r\n".encode(),
            *(f"{name}: {value}\r\n".encode() for name, value in headers.items()),
            b"\r\n",
        ]
        self.close_connection = True
        try:
            if fault.kind == "drip-headers":
                for line in lines:
                    self.wfile.write(line)
                    self.wfile.flush()
                    time.sleep(fault.delay)
            else:
                self.wfile.write(b"".join(lines))
                self.wfile.flush()
            for index in range(len(data)):
                time.sleep(fault.delay)
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
        except OSError:
            pass  # the client gave up: the point of the fault

    def _send_huge(self, size: int) -> None:
        """A 200 answer of ``size`` bytes of JSON, streamed to the end of the connection; stops when the client goes."""
        head, tail = b'{"padding": "', b'"}'
        self.close_connection = True
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            # No Content-Length: the client learns the size only by reading (the harder case).
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(head)
            left = size - len(head) - len(tail)
            block = b"x" * 65536
            while left > 0:
                self.wfile.write(block[: min(left, len(block))])
                left -= len(block)
            self.wfile.write(tail)
        except OSError:
            pass

    def _answer(
        self, method: str, path: str, route: str | None, record: RecordedRequest, body: _Body
    ) -> tuple[int, Any, Mapping[str, str]] | None:
        """The status, body and headers to answer with; ``None`` if the connection was dropped."""
        emulator = self.emulator
        if route is None:
            raise _HTTPError(404 if method in ("GET", "POST") else 405, f"Cannot {method} {path}")
        fault = emulator._take_fault(route)
        if fault is not None:
            if fault.kind == "reset":
                record.status = 0
                self._drop_connection()
                return None
            if fault.kind == "drop-after":
                self._drop_after = True
            elif fault.kind in ("drip", "drip-headers"):
                self._drip = fault
            elif fault.kind == "huge":
                record.status = 200
                self._send_huge(fault.size)
                return None
            elif fault.kind == "delay":
                time.sleep(fault.delay)
            else:
                payload = (
                    fault.body
                    if fault.body is not None
                    else _error_body(fault.status, _REASONS.get(fault.status, "Error"))
                )
                return fault.status, payload, fault.headers
        if not record.authorized:
            raise _HTTPError(401, "Invalid or missing API key: send Authorization: Bearer <key>")
        if route == "create":
            return self._create(body, record)
        if route == "poll":
            match = _POLL_PATH.match(path)
            assert match is not None
            # the client quotes the id into the path; an id need not be a UUID
            answer, headers = emulator._poll(unquote(match.group(1)))
            return 200, answer, headers
        return self._legacy(body, record)

    def _create(self, body: _Body, record: RecordedRequest) -> tuple[int, Any, dict[str, str]]:
        emulator = self.emulator

        def properties_of_model(model: str | None) -> Mapping[str, Any]:
            schema_name = emulator._schema_of_model.get(model or "")
            return load_schema(schema_name)["properties"] if schema_name else {}

        params, upload, json_body = self._parse(body, record, properties_of_model)
        job = emulator._create(params, upload, json_body=json_body)
        answer: dict[str, Any] = {"generation_id": job.generation_id}
        if _family_of_schema(job.schema) == "mai":
            # as on the MAI-Transcribe page: the job's status beside its id
            answer["status"] = emulator._words()["pending"]
        return emulator.create_status, answer, {}

    def _legacy(self, body: _Body, record: RecordedRequest) -> tuple[int, Any, dict[str, str]]:
        from ..payloads.validation import legacy_families

        emulator = self.emulator

        def properties_of_model(model: str | None) -> Mapping[str, Any]:
            family = next((f for f in legacy_families() if model in f.models), None)
            return family.properties if family else {}

        params, upload, _json_body = self._parse(body, record, properties_of_model)
        errors = list(validator_for("legacy-request").iter_errors(params))
        if errors:
            from jsonschema.exceptions import best_match

            worst = best_match(errors)
            raise _HTTPError(
                400, f"{'.'.join(map(str, worst.absolute_path)) or 'body'}: {worst.message}"
            )
        if "url" not in params and upload is None:
            raise _HTTPError(400, "Either url or audio must be provided")
        model = params["model"]
        family = next(f for f in legacy_families() if model in f.models)
        if upload is not None:
            facts = recognizer.audio_facts(file=upload.file, size=upload.size)
        else:
            facts = recognizer.audio_facts(url=params.get("url"))
        generation_id = str(uuid.uuid4())
        # the one-call endpoint holds the connection while the job runs, and gives up on long jobs
        duration = emulator._duration_of(params)
        if duration > emulator.legacy_timeout:
            time.sleep(emulator.legacy_timeout)
            raise _HTTPError(
                504,
                "The transcription took too long; use POST /v1/stt/create and poll for the result",
            )
        time.sleep(duration)
        if family.name == "deepgram":
            arch = "whisper" if "whisper" in model else "nova-2"
            result = recognizer.deepgram_result(generation_id, model, params, facts, arch=arch)
        elif family.name == "assemblyai":
            result = recognizer.assemblyai_result(generation_id, model, params, facts)
        else:
            result = recognizer.openai_result(generation_id, model, params, facts)
        return 201, result, {}

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")
