"""`conflictmap` command line: one sub-module per sub-command, each exposing `register(subparsers)`.

Keeping each command in its own module lets the geocoder, geoparser, store and export evolve
independently while the entry point stays a thin dispatcher.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from geo.cli.exitcodes import ExitCode
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
        return int(args.func(args) or 0)
    except ConflictmapError as exc:  # raised on purpose: its message is the one line a user needs
        print(f"conflictmap {args.command}: {exc}", file=sys.stderr)
        return ExitCode.ERROR
    except KeyboardInterrupt:
        print("conflictmap: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
