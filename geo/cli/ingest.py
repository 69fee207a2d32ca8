"""`conflictmap ingest PATH... [--db FILE]`: read, geoparse and store articles, idempotently.

The work is `geo.ingest` (the engine the dashboard uses too); this module is options, the progress bar
and the summary. Every unreadable file or record is reported with its reason. Exit codes
(`geo.cli.exitcodes`): 0 when something was read, 1 if nothing at all could be read, 2 if the store
cannot be opened or the geoparser cannot run at all, e.g. the gazetteer is not built (one line on stderr).
Parsing runs in worker processes for large inputs (``--jobs``); they exit with the command, even when
it is killed.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys

from geo.cli.exitcodes import ExitCode
from geo.cli.terminal import printable
from geo.ingest import IngestSummary, PipelineUnavailable, format_summary, ingest_paths

__all__ = ["IngestSummary", "PipelineUnavailable", "format_summary", "ingest_paths", "register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "ingest",
        help="read, geoparse and store articles (idempotent)",
        description="Read files/folders (.txt .html .json .jsonl .csv), geoparse them and store them in "
        "the SQLite store. Articles already stored (same content) are skipped.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursively)")
    p.add_argument(
        "--db",
        metavar="FILE",
        help="SQLite store (default: $CONFLICTMAP_DB, else conflictmap.sqlite in the data folder)",
    )
    p.add_argument(
        "--reparse",
        action="store_true",
        help="parse known articles again and replace their mentions and events (annotations are kept)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="summary format")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="parser processes (default 0: automatic, several only for a few hundred articles or more)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geo.store import Store

    # A store that cannot be opened or used (locked, read-only, full, damaged, newer, foreign) raises a
    # geo.errors.StoreError naming the cause; geo.cli.main prints it as one line and exits 2. Articles
    # stored before a fault stay stored (each in its own transaction), none is half-written.
    store = Store(args.db)
    try:
        summary = ingest_paths(
            store, args.paths, reparse=args.reparse, progress=not args.quiet, jobs=max(0, args.jobs)
        )
    except sqlite3.Error as exc:
        print(printable(f"conflictmap ingest: database error: {exc}"), file=sys.stderr)
        return ExitCode.ERROR
    finally:
        store.close()
    # PipelineUnavailable is a ConflictmapError: geo.cli.main prints it as one line, exit 2
    if args.format == "json":
        print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_summary(summary))
    for w in summary.warnings:
        print(
            f"conflictmap ingest: warning: {printable(w['source'])}: {printable(w['warning'])}",
            file=sys.stderr,
        )
    if summary.read == 0:
        print("conflictmap ingest: nothing could be read", file=sys.stderr)
        return ExitCode.INCOMPLETE
    return ExitCode.OK
