"""`conflictmap gazetteer build` and `conflictmap dashboard`: what they run, what they print, exit codes."""

from __future__ import annotations

import logging

import pytest

from geo.cli import main
from geo.cli.dashboard import streamlit_command
from geo.gazetteer import build
from geo.paths import dashboard_dir

pytestmark = pytest.mark.requires_gazetteer


def test_gazetteer_build_prints_progress_lines_and_exits_0(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setenv("CONFLICTMAP_HOME", str(tmp_path))

    def fake_build(force: bool = False) -> bool:
        logging.getLogger("geo.gazetteer.build").info("countries")
        return force

    monkeypatch.setattr(build, "build", fake_build)
    assert main(["gazetteer", "build", "--force"]) == 0
    err = capsys.readouterr().err
    assert "[gazetteer] countries" in err
    assert f"gazetteer built in {tmp_path / 'gazetteer' / 'build'}" in err
    assert main(["gazetteer", "build", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_gazetteer_build_failure_is_one_line_and_exit_2(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setenv("CONFLICTMAP_HOME", str(tmp_path))

    def failing_build(force: bool = False) -> bool:
        raise build.SourceIntegrityError("world-atlas-2.0.2.tgz: integrity mismatch")

    monkeypatch.setattr(build, "build", failing_build)
    assert main(["gazetteer", "build"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "conflictmap gazetteer: world-atlas-2.0.2.tgz: integrity mismatch"


def test_dashboard_runs_the_installed_app_with_the_project_settings() -> None:
    cmd = streamlit_command(port=8999)
    assert cmd[1:5] == ["-m", "streamlit", "run", str(dashboard_dir() / "app.py")]
    flags = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert flags["--server.enableStaticServing"] == "true"
    assert flags["--browser.gatherUsageStats"] == "false"
    assert flags["--server.headless"] == "true"
    assert flags["--server.address"] == "127.0.0.1"
    assert flags["--server.fileWatcherType"] == "none"
    assert flags["--client.toolbarMode"] == "viewer"
    assert flags["--server.port"] == "8999"
    shared = streamlit_command(address="0.0.0.0")
    assert shared[shared.index("--server.address") + 1] == "0.0.0.0"


@pytest.mark.parametrize("port", ["0", "70000"])
def test_dashboard_bad_port_is_exit_2(port: str, capsys) -> None:
    assert main(["dashboard", "--port", port]) == 2
    assert "--port" in capsys.readouterr().err
