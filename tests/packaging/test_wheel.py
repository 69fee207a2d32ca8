"""What a pip user gets: the wheel, installed into a fresh venv outside the repo, works from any folder.

The wheel is built from a copy of the sources (so the checkout stays untouched), installed with
`--no-deps` into a new venv (no system site-packages), and run from an empty folder with
`$CONFLICTMAP_HOME` pointing at a temporary home. Two shortcuts keep it fast and offline, neither of
which can hide a packaging fault:

* the dependencies come from the running environment's site-packages through a `.pth` line. The
  path is appended after the venv's own site-packages, and `.pth` files of that folder (such as an
  editable install's import hook) are not processed, so `geo` and `dashboard` can only come from the
  wheel; the test checks that they do;
* the gazetteer artefact is linked in from the checkout instead of being rebuilt (90 s; the npm-less
  `conflictmap gazetteer build` is exercised by hand, see the issue notes).

Then: `conflictmap geocode` (JSON), `conflictmap ingest` (the store lands in `$CONFLICTMAP_HOME`, not in
site-packages) and `conflictmap dashboard` (health URL and the vendored Leaflet served offline).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from geo.paths import gazetteer_dir

pytestmark = [pytest.mark.slow, pytest.mark.requires_gazetteer]

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("geo", "dashboard", "pyproject.toml", "README.md", "LICENSE")
ARTICLE = (
    "date 2021-08-14\n"
    "The Taliban captured Jalalabad on Sunday, officials said. Fighting was also reported in Ghazni.\n"
)


def _can_build_offline() -> bool:
    """setuptools >= 77 here (the dev extra): build without fetching the build backend."""
    try:
        return int(metadata.version("setuptools").split(".")[0]) >= 77
    except metadata.PackageNotFoundError:
        return False


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "cache", "*.egg-info", "build")
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        elif path.exists():
            shutil.copy2(path, src / name)
    out = tmp_path_factory.mktemp("wheel")
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(src)]
    if _can_build_offline():
        cmd.insert(4, "--no-build-isolation")
    proc = _run(cmd)
    assert proc.returncode == 0, proc.stderr
    (whl,) = out.glob("conflictmap-*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("venv") / "venv"
    proc = _run([sys.executable, "-m", "venv", "--without-pip", str(root)])
    assert proc.returncode == 0, proc.stderr
    python = root / "bin" / "python"
    site = Path(
        _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip()
    )
    shared = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "zz_shared_dependencies.pth").write_text("\n".join(sorted(shared)) + "\n", encoding="utf-8")
    proc = _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(wheel)]
    )
    assert proc.returncode == 0, proc.stderr
    return root


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("home")
    built = gazetteer_dir().resolve()
    assert (built / ".complete").is_file(), f"build the gazetteer first (make gazetteer): {built}"
    (home / "conflictmap" / "gazetteer").mkdir(parents=True)
    (home / "conflictmap" / "gazetteer" / "build").symlink_to(built, target_is_directory=True)
    return home


@pytest.fixture()
def user(venv: Path, home: Path, tmp_path: Path) -> dict:
    """Run `conflictmap` as a user would: from an empty folder, environment of a fresh login."""
    cwd = tmp_path / "empty"
    cwd.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}{os.pathsep}/usr/bin:/bin",
        "HOME": str(home),
        "CONFLICTMAP_HOME": str(home / "conflictmap"),
        "LANG": "C.UTF-8",
    }
    return {"cwd": cwd, "env": env, "exe": str(venv / "bin" / "conflictmap")}


def test_the_package_comes_from_the_wheel(venv: Path, user: dict) -> None:
    code = (
        "import geo, dashboard, geo.paths as p\n"
        "for x in (geo.__file__, dashboard.__file__, p.home()): print(x)"
    )
    proc = _run([str(venv / "bin" / "python"), "-c", code], cwd=user["cwd"], env=user["env"])
    assert proc.returncode == 0, proc.stderr
    geo_file, dashboard_file, home = proc.stdout.splitlines()
    assert geo_file.startswith(str(venv)) and dashboard_file.startswith(str(venv))
    assert home == user["env"]["CONFLICTMAP_HOME"]


def test_geocode_from_an_empty_folder(user: dict) -> None:
    proc = _run(
        [user["exe"], "geocode", "Gasni", "Mossul", "--format", "json"], cwd=user["cwd"], env=user["env"]
    )
    assert proc.returncode == 0, proc.stderr
    ghazni, mosul = json.loads(proc.stdout)
    assert (ghazni["name"], ghazni["country_code"], ghazni["geonameid"]) == ("Ghazni", "AF", 1141269)
    assert (mosul["name"], mosul["country_code"]) == ("Mosul", "IQ")


def test_ingest_stores_in_the_user_data_folder(user: dict, venv: Path) -> None:
    article = user["cwd"] / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    proc = _run(
        [user["exe"], "ingest", "--quiet", "--format", "json", str(article)], cwd=user["cwd"], env=user["env"]
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["new"] == 1 and summary["events"] >= 1
    store = Path(user["env"]["CONFLICTMAP_HOME"]) / "conflictmap.sqlite"
    assert Path(summary["db"]) == store and store.is_file()
    assert not list(venv.rglob("*.sqlite")), "nothing may be written into the installation"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def dashboard(user: dict, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    log = tmp_path / "dashboard.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [user["exe"], "dashboard", "--port", str(port)],
            cwd=user["cwd"],
            env=user["env"],
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"dashboard did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_dashboard_serves_health_and_the_vendored_map(dashboard: str) -> None:
    with urllib.request.urlopen(f"{dashboard}/_stcore/health", timeout=10) as r:
        assert r.status == 200 and r.read().strip() == b"ok"
    with urllib.request.urlopen(f"{dashboard}/app/static/vendor/leaflet/leaflet.js", timeout=10) as r:
        assert r.status == 200 and b"Leaflet" in r.read(2000)
