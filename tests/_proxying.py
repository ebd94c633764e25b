"""What the proxy's test files share: its address, raw answers, and ``legacy-stt serve`` run as a
process (tests/test_proxy.py, test_proxy_hostile.py, test_proxy_server.py, test_proxy_deploy.py)."""

from __future__ import annotations

import os
import pathlib
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

from legacy_stt.proxy import CompatibilityProxy

SCRIPT = shutil.which("legacy-stt", path=os.path.dirname(sys.executable)) or shutil.which(
    "legacy-stt"
)


def address(proxy: CompatibilityProxy) -> tuple[str, int]:
    """Host and port of a running proxy."""
    host, port = proxy.url[len("http://") :].rsplit(":", 1)
    return host, int(port)


def read_all(connection: socket.socket, timeout: float = 10) -> bytes:
    """Everything the server sends until it closes (or goes quiet for ``timeout``)."""
    connection.settimeout(timeout)
    data = b""
    try:
        while chunk := connection.recv(65536):
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    return data


class Served:
    """``legacy-stt serve`` in a subprocess, with its standard error read as it comes."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        assert SCRIPT, "the legacy-stt console script is not installed"
        environment = {k: v for k, v in os.environ.items() if not k.startswith("AIML_")}
        environment.update(env or {})
        self.process = subprocess.Popen(
            [SCRIPT, "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.stderr_lines: list[str] = []
        self.url = self._wait_for_url()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line)

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.stderr_lines.append(line)
            match = re.search(r"listening on (http://\S+) -> upstream", line)
            if match:
                return match.group(1).replace("0.0.0.0", "127.0.0.1")
        self.process.kill()
        raise AssertionError(f"the proxy did not start: {''.join(self.stderr_lines)}")

    def peak_memory(self) -> int:
        """The process's peak resident memory (VmHWM), in bytes (Linux)."""
        status = pathlib.Path(f"/proc/{self.process.pid}/status").read_text()
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        assert found, status
        return int(found.group(1)) * 1024

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str, str]:
        """Signal it, wait for it: its exit status, standard output and standard error."""
        self.process.send_signal(signum)
        # Not communicate(): it would read standard error too, racing the reader thread for lines.
        self.process.wait(timeout=30)
        assert self.process.stdout is not None
        stdout = self.process.stdout.read()
        self._reader.join(timeout=5)
        while not self.lines.empty():
            self.stderr_lines.append(self.lines.get())
        return self.process.returncode, stdout, "".join(self.stderr_lines)
