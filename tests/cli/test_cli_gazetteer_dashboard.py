"""`conflictmap gazetteer build` and `conflictmap dashboard`: what they run, what they print, exit codes."""

from __future__ import annotations

import io
import json
import logging
import socket
import stat

import pytest

from geo.cli import main
from geo.cli.dashboard import streamlit_command
from geo.credentials import User, load, verify
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


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "192.168.1.20", "myhost.example"])
def test_dashboard_on_a_network_without_credentials_refuses_to_start(address, monkeypatch, capsys) -> None:
    monkeypatch.delenv("CONFLICTMAP_CREDENTIALS", raising=False)
    execs: list = []
    monkeypatch.setattr("os.execve", lambda *a: execs.append(a))
    assert main(["dashboard", "--address", address]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "requires a login" in err and "--credentials" in err
    assert not execs  # nothing was started


def test_dashboard_refuses_a_missing_or_empty_credentials_file(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("os.execve", lambda *a: pytest.fail("started without usable credentials"))
    missing = tmp_path / "none.json"
    assert main(["dashboard", "--address", "0.0.0.0", "--credentials", str(missing)]) == 2
    assert "does not exist" in capsys.readouterr().err
    empty = tmp_path / "empty.json"
    empty.write_text('{"version": 1, "users": {}}')
    assert main(["dashboard", "--address", "0.0.0.0", "--credentials", str(empty)]) == 2
    assert "holds no user" in capsys.readouterr().err


def test_dashboard_on_a_network_with_credentials_starts_with_the_login_on(tmp_path, monkeypatch) -> None:
    creds = tmp_path / "users.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret\n"))
    assert main(["users", "add", "amina", "--credentials", str(creds), "--password-stdin"]) == 0
    started: list = []
    monkeypatch.setattr("os.execve", lambda path, argv, env: started.append((argv, env)))
    main(["dashboard", "--address", "0.0.0.0", "--credentials", str(creds)])
    argv, env = started[0]
    flags = dict(zip(argv[5::2], argv[6::2], strict=True))
    assert flags["--server.address"] == "0.0.0.0"
    # a name to show and check origins against, so Streamlit asks no outside service for the external IP
    assert flags["--browser.serverAddress"] == socket.gethostname()
    assert env["CONFLICTMAP_CREDENTIALS"] == str(creds.resolve())


def test_dashboard_on_loopback_needs_no_credentials(monkeypatch) -> None:
    monkeypatch.delenv("CONFLICTMAP_CREDENTIALS", raising=False)
    started: list = []
    monkeypatch.setattr("os.execve", lambda path, argv, env: started.append((argv, env)))
    main(["dashboard"])
    argv, env = started[0]
    assert argv[argv.index("--server.address") + 1] == "127.0.0.1"
    assert "CONFLICTMAP_CREDENTIALS" not in env


def test_users_add_writes_an_argon2_hash_with_mode_0600(tmp_path, monkeypatch, capsys) -> None:
    creds = tmp_path / "users.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse\n"))
    assert main(["users", "add", "amina", "--credentials", str(creds), "--password-stdin"]) == 0
    assert "added analyst 'amina'" in capsys.readouterr().out
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    stored = json.loads(creds.read_text())["users"]["amina"]
    assert stored["role"] == "analyst" and stored["hash"].startswith("$argon2id$")
    assert "correct horse" not in creds.read_text()
    users = load(creds)
    assert verify(users, "amina", "correct horse") == User("amina", "analyst")
    assert verify(users, "amina", "wrong") is None
    assert verify(users, "nobody", "correct horse") is None

    # a viewer added by the prompt (getpass, asked twice); the first user is kept; still 0600, no temp file
    answers = iter(["battery staple", "battery staple"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.delenv("CONFLICTMAP_CREDENTIALS", raising=False)
    monkeypatch.setenv("CONFLICTMAP_CREDENTIALS", str(creds))
    assert main(["users", "add", "victor", "--role", "viewer"]) == 0
    users = load(creds)
    assert verify(users, "victor", "battery staple") == User("victor", "viewer")
    assert verify(users, "amina", "correct horse") is not None
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["users.json"]


def test_users_add_refuses_mismatched_passwords_and_bad_names(tmp_path, monkeypatch, capsys) -> None:
    creds = tmp_path / "users.json"
    answers = iter(["one", "two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["users", "add", "amina", "--credentials", str(creds)]) == 2
    assert "differ" in capsys.readouterr().err and not creds.exists()
    assert main(["users", "add", "bad\x1bname", "--credentials", str(creds), "--password-stdin"]) == 2
    assert "control characters" in capsys.readouterr().err and not creds.exists()
