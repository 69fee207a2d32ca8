"""`conflictmap ingest PATH... [--db FILE]`: read, geoparse and store articles, idempotently.

Each article is parsed outside the database and written in one transaction, so killing the command at
any moment leaves no partial article, and running it again only adds what is missing (articles already
stored, by content hash, are not even parsed again). Every unreadable file or record is reported with
its reason; the exit code is non-zero only if nothing at all could be read (1), or the store cannot be
opened (2).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_NOTHING_READ, EXIT_USAGE = 0, 1, 2


class PipelineUnavailable(RuntimeError):
    """The geoparser cannot run at all (a missing module or gazetteer): stop instead of rejecting
    every file for the same reason."""


@dataclass(slots=True)
class IngestSummary:
    """What one ingest run did (also the `--format json` output)."""

    new: int = 0
    unchanged: int = 0
    updated: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    mentions: int = 0
    events: int = 0
    db: str = ""

    @property
    def read(self) -> int:
        return self.new + self.unchanged + self.updated

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _systemic_errors() -> tuple[type[BaseException], ...]:
    """Errors that would hit every article the same way (the gazetteer is not built): stop early."""
    try:
        from geo.gazetteer import GazetteerNotBuilt
    except ImportError:
        return ()
    return (GazetteerNotBuilt,)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "ingest",
        help="read, geoparse and store articles (idempotent)",
        description="Read files/folders (.txt .html .json .jsonl .csv), geoparse them and store them in "
        "the SQLite store. Articles already stored (same content) are skipped.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursively)")
    p.add_argument(
        "--db", metavar="FILE", help="SQLite store (default: $CONFLICTMAP_DB or data/conflictmap.sqlite)"
    )
    p.add_argument(
        "--reparse",
        action="store_true",
        help="parse known articles again and replace their mentions and events (annotations are kept)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="summary format")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _files(paths: list[str]) -> Iterator[str]:
    """Expand folders (sorted, hidden entries skipped) so that progress can count files."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    if not f.startswith("."):
                        yield str(Path(root) / f)
        else:
            yield raw  # missing paths are reported by read_paths


def ingest_paths(
    store: Any, paths: list[str], *, reparse: bool = False, progress: bool = True
) -> IngestSummary:
    """Ingest files/folders into ``store``; the engine behind the CLI (and usable by the dashboard)."""
    from tqdm import tqdm

    from geo.articles import Rejected, read_paths
    from geo.pipeline import parse_article

    summary = IngestSummary(db=str(store.path))
    files = list(_files(paths))
    bar = tqdm(total=len(files), unit="file", file=sys.stderr, disable=not progress, dynamic_ncols=True)
    try:
        for f in files:
            for item in read_paths([f]):
                if isinstance(item, Rejected):
                    summary.rejected.append({"source": item.source, "reason": item.reason})
                    continue
                if not reparse and store.has_article(item.content_hash) is not None:
                    summary.unchanged += 1
                    continue
                try:
                    parsed = parse_article(item)
                except (ImportError, *_systemic_errors()) as exc:
                    raise PipelineUnavailable(f"the geoparser is not available ({exc})") from exc
                except Exception as exc:  # a parser bug on one article must not stop the run
                    reason = f"could not be parsed ({type(exc).__name__}: {exc})"
                    summary.rejected.append({"source": item.source, "reason": reason})
                    continue
                try:
                    outcome = store.ingest(parsed, replace=reparse)
                except (ValueError, TypeError, UnicodeError, sqlite3.IntegrityError) as exc:
                    # bad data in one article (rolled back whole); disk or lock errors still stop the run
                    reason = f"could not be stored ({type(exc).__name__}: {exc})"
                    summary.rejected.append({"source": item.source, "reason": reason})
                    continue
                if outcome.status == "new":
                    summary.new += 1
                elif outcome.status == "updated":
                    summary.updated += 1
                else:
                    summary.unchanged += 1
                summary.mentions += outcome.mentions
                summary.events += outcome.events
            bar.update(1)
    finally:
        bar.close()
    return summary


def format_summary(s: IngestSummary) -> str:
    lines = [
        f"{s.new} new, {s.unchanged} unchanged"
        + (f", {s.updated} re-parsed" if s.updated else "")
        + f", {len(s.rejected)} rejected; {s.mentions} mentions, {s.events} events stored in {s.db}"
    ]
    lines += [f"rejected {r['source']}: {r['reason']}" for r in s.rejected]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from geo.store import SchemaError, Store

    try:
        store = Store(args.db)
    except (SchemaError, sqlite3.Error, OSError) as exc:
        print(
            f"conflictmap ingest: cannot open store {args.db or ''}: {exc}".replace("  ", " "),
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        summary = ingest_paths(store, args.paths, reparse=args.reparse, progress=not args.quiet)
    except sqlite3.Error as exc:
        print(f"conflictmap ingest: database error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PipelineUnavailable as exc:
        print(f"conflictmap ingest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_summary(summary))
    if summary.read == 0:
        print("conflictmap ingest: nothing could be read", file=sys.stderr)
        return EXIT_NOTHING_READ
    return EXIT_OK
