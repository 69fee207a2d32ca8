"""`conflictmap` command line: one sub-module per sub-command, each exposing `register(subparsers)`.

Keeping each command in its own module lets the geocoder, geoparser, store and export evolve
independently while the entry point stays a thin dispatcher.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

from geo.cli.exitcodes import ExitCode
from geo.cli.terminal import printable
from geo.errors import ConflictmapError

COMMAND_MODULES = (
    "geocode",
    "extract",
    "ingest",
    "annotations",
    "maps",
    "export",
    "gazetteer",
    "dashboard",
    "users",
)


class _Parser(argparse.ArgumentParser):
    """argparse prints usage plus one line and exits 2; keep that, but never a traceback."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, like Ctrl-C's KeyboardInterrupt.

    Why: Python's default for SIGTERM is to die on the spot, so no `finally` ran and a map series left
    its hidden `.part` files behind. As an exception (a BaseException: `except Exception` does not swallow
    it) it unwinds through `geo.fileio.atomic_path`, which removes its temporary files.
    """


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """While the block runs, SIGTERM raises `Terminated` in the main thread; the old handler is restored."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set signal handlers
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the clean-up short
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="conflictmap", description="Offline conflict geoparsing and mapping.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"geo.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with sigterm_raises():
            return int(args.func(args) or 0)
    except ConflictmapError as exc:  # raised on purpose: its message is the one line a user needs
        print(f"conflictmap {args.command}: {printable(exc)}", file=sys.stderr)  # paths: no raw escapes
        return ExitCode.ERROR
    except Terminated:
        print("conflictmap: terminated", file=sys.stderr)
        return ExitCode.TERMINATED
    except KeyboardInterrupt:
        print("conflictmap: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
