"""End-to-end fixtures: the real app (`streamlit run dashboard/app.py`) on a free localhost port, a store
filled from seeds/, and Debian's headless Chromium driven by Playwright.

Every request the browser makes is recorded, so tests can prove that nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.dashboard import build_seed_store

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _need_chromium() -> None:
    """Skip on a developer machine without Chromium; in CI (which installs it) its absence is a failure."""
    if CHROMIUM.exists():
        return
    why = "Debian chromium is not installed at /usr/bin/chromium (.ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture(scope="session")
def e2e_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _need_chromium()
    return build_seed_store(tmp_path_factory.mktemp("e2e") / "store.sqlite")


@contextlib.contextmanager
def serve_dashboard(db: Path, log: Path, *args: str, **env_extra: str) -> Iterator[str]:
    """`conflictmap dashboard ARGS` (the command users run) as a subprocess on a free port, with
    CONFLICTMAP_DB=db; yields its base URL once healthy, stops it afterwards."""
    port = _free_port()
    env = dict(os.environ, CONFLICTMAP_DB=str(db), **env_extra)
    if "CONFLICTMAP_CREDENTIALS" not in env_extra:
        env.pop("CONFLICTMAP_CREDENTIALS", None)
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "geo.cli", "dashboard", "--port", str(port), *args],
            cwd=REPO,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def app_url(e2e_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard on the seed store, for the whole session."""
    with serve_dashboard(e2e_db, tmp_path_factory.mktemp("e2e-log") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page that records every request URL in `page.requests_seen`."""
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    pg = context.new_page()
    seen: list[str] = []
    context.on("request", lambda req: seen.append(req.url))
    pg.requests_seen = seen  # type: ignore[attr-defined]
    yield pg
    context.close()
