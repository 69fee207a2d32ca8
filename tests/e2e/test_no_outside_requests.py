"""`conflictmap dashboard` makes no outside request when it starts, on 127.0.0.1 and on a network.

A headless Streamlit asks checkip.amazonaws.com for the machine's external IP at start unless it was told
a specific address (`server.address` other than a wildcard, or `browser.serverAddress`). This is observed,
not inferred from the flags: the server runs with HTTP(S)_PROXY pointing at a local socket that records
every connection made through it. A bare `streamlit run` with no address is the positive control: the
recorder does see its request to checkip.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.credentials import add_user
from tests.e2e.conftest import REPO, _free_port

pytestmark = pytest.mark.e2e


class Recorder:
    """A TCP listener on 127.0.0.1 that keeps the first line of every connection, answers nothing."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self.lines: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    first = conn.recv(4096).split(b"\r\n", 1)[0]
                except OSError:
                    first = b"(connection without a request line)"
                self.lines.append(first.decode("latin-1"))

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    yield rec
    rec.close()


def _proxied_env(rec: Recorder, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "all_proxy")}
    proxy = f"http://127.0.0.1:{rec.port}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env[name] = proxy
    env.update(extra)
    return env


def _start_and_settle(cmd: list[str], env: dict[str, str], cwd: Path, port: int, log: Path) -> list[str]:
    """Run `cmd` until its server answers and has printed its URLs (plus the 2 s checkip would take)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with opener.open(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200 and "URL" in log.read_text(errors="replace"):
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        time.sleep(2.5)  # checkip is tried with a 1 s timeout over http, then https
        return log.read_text(errors="replace").splitlines()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_the_recorder_sees_a_bare_streamlit_asking_for_its_external_ip(recorder, tmp_path: Path) -> None:
    app = tmp_path / "hello.py"
    app.write_text("import streamlit as st\nst.text('hello')\n")
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true"]
    cmd += ["--server.port", str(port), "--browser.gatherUsageStats", "false"]
    _start_and_settle(cmd, _proxied_env(recorder), tmp_path, port, tmp_path / "bare.log")
    assert any("checkip.amazonaws.com" in line for line in recorder.lines), recorder.lines


def test_dashboard_on_loopback_makes_no_outside_request_at_start(recorder, tmp_path: Path) -> None:
    port = _free_port()
    env = _proxied_env(recorder, CONFLICTMAP_DB=str(tmp_path / "store.sqlite"))
    env.pop("CONFLICTMAP_CREDENTIALS", None)
    cmd = [sys.executable, "-m", "geo.cli", "dashboard", "--port", str(port)]
    _start_and_settle(cmd, env, REPO, port, tmp_path / "loopback.log")
    assert recorder.lines == []


def test_dashboard_on_a_network_makes_no_outside_request_at_start(recorder, tmp_path: Path) -> None:
    creds = tmp_path / "users.json"
    add_user(creds, "amina", "correct horse", "analyst")
    port = _free_port()
    env = _proxied_env(recorder, CONFLICTMAP_DB=str(tmp_path / "store.sqlite"))
    cmd = [sys.executable, "-m", "geo.cli", "dashboard", "--port", str(port), "--address", "0.0.0.0"]
    cmd += ["--credentials", str(creds)]
    out = _start_and_settle(cmd, env, REPO, port, tmp_path / "network.log")
    assert recorder.lines == []
    assert any(socket.gethostname() in line for line in out if "URL" in line), out
