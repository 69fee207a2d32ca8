"""`conflictmap dashboard [--port N] [--address ADDR]`: start the Streamlit app with the project's settings.

Why a launcher: `streamlit run dashboard/app.py` works only from a checkout, and reads
`.streamlit/config.toml` only from the current folder, so an installed conflictmap served no static
files (no offline Leaflet), reported usage statistics and listened on every interface. This command runs
the app from wherever it is installed (`geo.paths.dashboard_dir()`) and passes the settings shipped
beside it (`dashboard/.streamlit/config.toml`: static serving on, usage stats off, headless, bound to
127.0.0.1, no file watcher, viewer toolbar) as `streamlit run` flags, whatever the current folder.

The process becomes Streamlit (exec), so stopping it (Ctrl-C, SIGTERM) stops the server; nothing keeps
running behind it. Exit codes are Streamlit's own once it runs; 2 when the app cannot be found.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from geo.cli.exitcodes import ExitCode
from geo.errors import ConfigurationError, DataMissingError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "dashboard",
        help="start the dashboard (Streamlit) on this machine",
        description="Start the conflictmap dashboard with its settings (offline map assets, no usage "
        "statistics, bound to 127.0.0.1 unless --address says otherwise).",
    )
    p.add_argument("--port", type=int, metavar="N", help="port (default from the settings: 8501)")
    p.add_argument(
        "--address",
        metavar="ADDR",
        help="address to listen on (default 127.0.0.1; 0.0.0.0 makes it reachable from other machines)",
    )
    p.set_defaults(func=handle)


def settings_file() -> Path:
    """The Streamlit settings shipped with the app (package data)."""
    from geo.paths import dashboard_dir

    return dashboard_dir() / ".streamlit" / "config.toml"


def settings() -> dict[str, Any]:
    """The shipped settings as flat `section.option` keys (Streamlit's flag names)."""
    path = settings_file()
    try:
        nested = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataMissingError(
            f"dashboard settings {path} unreadable ({exc}); reinstall conflictmap"
        ) from exc
    return {
        f"{section}.{key}": value for section, options in nested.items() for key, value in options.items()
    }


def _flag_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def streamlit_command(port: int | None = None, address: str | None = None) -> list[str]:
    """The `python -m streamlit run APP --section.option value ...` command line for these options."""
    from geo.paths import dashboard_dir

    app = dashboard_dir() / "app.py"
    if not app.is_file():
        raise DataMissingError(f"the dashboard app is missing ({app}); reinstall conflictmap")
    if port is not None and not 0 < port < 65536:
        raise ConfigurationError(f"--port {port}: expected a port number between 1 and 65535")
    options = settings()
    if port is not None:
        options["server.port"] = port
    if address is not None:
        options["server.address"] = address
    flags = [part for key, value in sorted(options.items()) for part in (f"--{key}", _flag_value(value))]
    return [sys.executable, "-m", "streamlit", "run", str(app), *flags]


def launch_environment() -> dict[str, str]:
    """The environment for the app: the folder holding `geo` and `dashboard` first on PYTHONPATH.

    `streamlit run` puts only the script's own folder on sys.path; this makes `import dashboard` and
    `import geo` find the same tree the launcher runs from (a checkout or site-packages).
    """
    from geo.paths import dashboard_dir

    root = str(dashboard_dir().parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def handle(args: argparse.Namespace) -> int:
    command = streamlit_command(args.port, args.address)
    env = launch_environment()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command[0], command, env)  # no return: this process becomes the server
    return ExitCode.ERROR  # pragma: no cover
