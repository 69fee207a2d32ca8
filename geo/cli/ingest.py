"""`conflictmap ingest PATH... [--db FILE]`: read, geoparse and store articles, idempotently.

Each article is parsed outside the database and written in one transaction, so killing the command at
any moment leaves no partial article, and running it again only adds what is missing (articles already
stored, by content hash, are not even parsed again). Every unreadable file or record is reported with
its reason; the exit code is non-zero only if nothing at all could be read (1), or if the store cannot
be opened or the geoparser cannot run at all, e.g. the gazetteer is not built (2, one line on stderr).
Parsing runs in worker processes for large inputs (``--jobs``); they exit with the command, even when
it is killed.
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
        from geo.gazetteer.lookup import GazetteerNotBuilt
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
    p.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="parser processes (default 0: automatic, several only for a few hundred articles or more)",
    )
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


#: Below this many files, worker start-up (each worker loads the gazetteer) costs more than it saves.
PARALLEL_MIN_FILES = 200
#: Articles read ahead and parsed in parallel at a time.
BATCH_ARTICLES = 256


def _parse_one(article: Any) -> tuple[str, Any]:
    """Parse one article, never raising: ("ok", parsed) | ("error", reason) | ("fatal", reason).

    Module-level so that worker processes can run it.
    """
    from geo.parse.pipeline import parse_article

    try:
        return "ok", parse_article(article)
    except (ImportError, *_systemic_errors()) as exc:
        return "fatal", f"the geoparser is not available ({exc})"
    except Exception as exc:  # a parser bug on one article must not stop the run
        return "error", f"could not be parsed ({type(exc).__name__}: {exc})"


def _exit_with_parent(parent_pid: int) -> None:
    """Worker initializer: a killed ingest (even SIGKILL) must not leave parser processes behind."""
    import threading
    import time

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(1)
            time.sleep(0.5)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _auto_jobs(n_files: int) -> int:
    if n_files < PARALLEL_MIN_FILES:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def ingest_paths(
    store: Any, paths: list[str], *, reparse: bool = False, progress: bool = True, jobs: int = 1
) -> IngestSummary:
    """Ingest files/folders into ``store``; the engine behind the CLI (and usable by the dashboard).

    ``jobs``: 1 parses in this process, file by file; N > 1 parses batches of articles in N worker
    processes; 0 chooses (workers only for a few hundred files or more, at most 4). Either way only
    this process writes, one transaction per article, in file order.
    """
    from tqdm import tqdm

    from geo.parse.articles import Rejected, read_paths

    summary = IngestSummary(db=str(store.path))
    files = list(_files(paths))

    def reject(source: str, reason: str) -> None:
        summary.rejected.append({"source": source, "reason": reason})

    def store_one(article: Any, result: tuple[str, Any]) -> None:
        status, value = result
        if status == "fatal":
            raise PipelineUnavailable(value)
        if status == "error":
            reject(article.source, value)
            return
        try:
            outcome = store.ingest(value, replace=reparse)
        except (ValueError, TypeError, UnicodeError, sqlite3.IntegrityError) as exc:
            # bad data in one article (rolled back whole); disk or lock errors still stop the run
            reject(article.source, f"could not be stored ({type(exc).__name__}: {exc})")
            return
        if outcome.status == "new":
            summary.new += 1
        elif outcome.status == "updated":
            summary.updated += 1
        else:
            summary.unchanged += 1
        summary.mentions += outcome.mentions
        summary.events += outcome.events

    def todo_of(items: Any) -> list[Any]:
        todo = []
        for item in items:
            if isinstance(item, Rejected):
                reject(item.source, item.reason)
            elif not reparse and store.has_article(item.content_hash) is not None:
                summary.unchanged += 1
            else:
                todo.append(item)
        return todo

    bar_opts = {"file": sys.stderr, "disable": not progress, "dynamic_ncols": True}
    workers = jobs if jobs > 0 else (_auto_jobs(len(files)))
    if workers == 1:
        with tqdm(total=len(files), unit="file", **bar_opts) as bar:
            for f in files:
                for article in todo_of(read_paths([f])):
                    store_one(article, _parse_one(article))
                bar.update(1)
        return summary

    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: a fresh interpreter per worker (fork after threads, e.g. tqdm's monitor, can deadlock).
    # Files are read and parsed in batches so memory stays bounded on big corpora.
    ctx = multiprocessing.get_context("spawn")
    with (
        tqdm(total=len(files), unit="file", **bar_opts) as bar,
        ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_exit_with_parent, initargs=(os.getpid(),)
        ) as pool,
    ):
        batch: list[Any] = []
        pending_files = 0

        def flush() -> None:
            nonlocal pending_files
            try:
                for article, result in zip(batch, pool.map(_parse_one, batch, chunksize=8), strict=True):
                    store_one(article, result)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            batch.clear()
            bar.update(pending_files)
            pending_files = 0

        for f in files:
            batch += todo_of(read_paths([f]))
            pending_files += 1
            if len(batch) >= BATCH_ARTICLES:
                flush()
        flush()
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
        summary = ingest_paths(
            store, args.paths, reparse=args.reparse, progress=not args.quiet, jobs=max(0, args.jobs)
        )
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
