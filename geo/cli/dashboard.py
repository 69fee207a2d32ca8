"""`conflictmap dashboard [--port N] [--address ADDR] [--credentials FILE]`: start the Streamlit app.

Why a launcher: `streamlit run dashboard/app.py` works only from a checkout, and reads
`.streamlit/config.toml` only from the current folder, so an installed conflictmap served no static
files (no offline Leaflet), reported usage statistics and listened on every interface. This command runs
the app from wherever it is installed (`geo.paths.dashboard_dir()`) and passes the settings shipped
beside it (`dashboard/.streamlit/config.toml`: static serving on, usage stats off, headless, bound to
127.0.0.1, no file watcher, viewer toolbar) as `streamlit run` flags, whatever the current folder.

Serving on a network: an `--address` other than a loopback one (0.0.0.0, a LAN address, a host name)
makes the dashboard reachable from other machines, so it then requires a login: without `--credentials
FILE` (or $CONFLICTMAP_CREDENTIALS) naming a file with at least one user (`conflictmap users add`) the
command refuses to start (exit 2, one line). The file is passed to the app as $CONFLICTMAP_CREDENTIALS;
given on 127.0.0.1 too, it turns the login on there as well.

No outside request at start: a headless Streamlit asks checkip.amazonaws.com for the machine's external
IP unless `server.address` names one specific address, and a wildcard (0.0.0.0, ::) does not count. So for
every non-loopback address `browser.serverAddress` is set too (the address itself, or this machine's host
name for a wildcard), which is what Streamlit shows and checks browser origins against instead.

The process becomes Streamlit (exec), so stopping it (Ctrl-C, SIGTERM) stops the server; nothing keeps
running behind it. Exit codes are Streamlit's own once it runs; 2 when the app cannot be found.
"""

from __future__ import annotations

import argparse
import os
import socket
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
        help="address to listen on (default 127.0.0.1). Any other address (0.0.0.0 for every interface) "
        "serves on a network and requires --credentials",
    )
    p.add_argument(
        "--credentials",
        metavar="FILE",
        help="users who may sign in (made with `conflictmap users add`; default $CONFLICTMAP_CREDENTIALS). "
        "Required with a network --address; turns the login on",
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


WILDCARDS = frozenset({"0.0.0.0", "::", ""})


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
    from geo.credentials import is_loopback

    bound = str(options.get("server.address") or "")
    if not is_loopback(bound) and "browser.serverAddress" not in options:
        # a specific address is what users type; for a wildcard, this machine's name. Either way Streamlit
        # then has no reason to ask an outside service for the external IP (see the module docstring).
        options["browser.serverAddress"] = socket.gethostname() if bound in WILDCARDS else bound
    flags = [part for key, value in sorted(options.items()) for part in (f"--{key}", _flag_value(value))]
    return [sys.executable, "-m", "streamlit", "run", str(app), *flags]


def launch_environment(credentials: Path | None = None) -> dict[str, str]:
    """The environment for the app: the folder holding `geo` and `dashboard` first on PYTHONPATH.

    `streamlit run` puts only the script's own folder on sys.path; this makes `import dashboard` and
    `import geo` find the same tree the launcher runs from (a checkout or site-packages).
    """
    from geo.paths import dashboard_dir

    root = str(dashboard_dir().parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    if credentials is not None:
        from geo.credentials import ENV

        env[ENV] = str(credentials.resolve())
    return env


def check_login(address: str | None, credentials: str | None) -> Path | None:
    """The credentials file to serve with; refuses a network address without a usable one."""
    from geo.credentials import ENV, configured_path, is_loopback, require_users

    path = configured_path(credentials)
    bound = address if address is not None else str(settings().get("server.address", ""))
    if path is None:
        if not is_loopback(bound):
            raise ConfigurationError(
                f"--address {bound or '(every interface)'} serves the dashboard on a network, which "
                f"requires a login: give --credentials FILE (or ${ENV}); create it with "
                "`conflictmap users add NAME`"
            )
        return None
    require_users(path)  # a missing, unreadable or empty file is refused here, not at the first login
    return path


def handle(args: argparse.Namespace) -> int:
    credentials = check_login(args.address, args.credentials)
    command = streamlit_command(args.port, args.address)
    env = launch_environment(credentials)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command[0], command, env)  # no return: this process becomes the server
    return ExitCode.ERROR  # pragma: no cover
