"""`conflictmap annotations export|import`: move analyst annotations between stores as JSON.

Annotations are the analysts' work; exporting them lets a team share corrections, and importing is
idempotent (rows are keyed by a stable uid) so the same file can be imported again safely.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geo.cli.exitcodes import ExitCode
from geo.cli.terminal import printable
from geo.errors import OutputError
from geo.fileio import atomic_write_text, check_output
from geo.store import AnnotationError, SchemaError, Store, default_db_path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("annotations", help="export or import analyst annotations as JSON")
    actions = parser.add_subparsers(dest="annotations_action", required=True)
    exp = actions.add_parser("export", help="write every annotation as a JSON array")
    exp.add_argument("--out", required=True, help="output file, or - for standard output")
    exp.add_argument("--db", help="SQLite store (default: $CONFLICTMAP_DB or data/conflictmap.sqlite)")
    exp.set_defaults(func=_export)
    imp = actions.add_parser("import", help="add annotations from a JSON array (idempotent)")
    imp.add_argument("file", help="JSON file written by `conflictmap annotations export`")
    imp.add_argument("--db", help="SQLite store (default: $CONFLICTMAP_DB or data/conflictmap.sqlite)")
    imp.set_defaults(func=_import)


def _fail(message: str) -> int:
    print(f"conflictmap annotations: {printable(message)}", file=sys.stderr)
    return ExitCode.ERROR


def _export(args: argparse.Namespace) -> int:
    store_path = Path(args.db) if args.db else default_db_path()
    if args.out != "-":
        try:  # before the store is opened: `--out "$CONFLICTMAP_DB"` once replaced the store with JSON
            check_output(args.out, store=store_path)
        except OutputError as exc:
            return _fail(f"cannot write {args.out}: {exc}")
    try:
        with Store(args.db) as store:
            rows = store.export_annotations()
    except (SchemaError, OSError) as exc:
        return _fail(str(exc))
    text = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
        return ExitCode.OK
    out = Path(args.out)
    try:  # never leave a half-written export or a temporary file behind
        atomic_write_text(out, text, store=store_path)
    except OSError as exc:
        return _fail(f"cannot write {out}: {exc.strerror or exc}")
    print(printable(f"{len(rows)} annotations written to {out}"), file=sys.stderr)
    return ExitCode.OK


def _import(args: argparse.Namespace) -> int:
    try:
        rows = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror or exc}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return _fail(f"{args.file} is not valid JSON: {exc}")
    if not isinstance(rows, list):
        return _fail(f"{args.file} must hold a JSON array of annotations")
    try:
        with Store(args.db) as store:
            added = store.import_annotations(rows)
    except (AnnotationError, SchemaError, OSError) as exc:
        return _fail(str(exc))
    print(f"{added} new annotations imported, {len(rows) - added} already present", file=sys.stderr)
    return ExitCode.OK
