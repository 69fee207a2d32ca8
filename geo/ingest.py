"""The one ingest engine: read -> parse -> store, with a reason for every input that was not stored.

Why one engine: `conflictmap ingest` and the dashboard's upload panel used to run their own loops and
disagreed on what happens to an article the parser chokes on (one rejected line, or the whole upload)
and on which store errors stop a run. Both now call this module; they differ only in presentation
(a progress bar and a summary line; a table on the page).

Rules shared by every caller:

* An article already stored (same content hash) is not parsed again, unless `reparse` is asked for.
* Each article is parsed outside the database and written in one transaction, so stopping at any
  moment leaves no partial article, and running again only adds what is missing.
* A file or record that cannot be read, an article the parser fails on, or bad data the store refuses
  is an `Outcome` with status "rejected" and a reason; the run goes on.
* A file read with a loss (invalid UTF-8 bytes replaced) is stored and listed in `IngestSummary.warnings`.
* A failure that would hit every article the same way (the gazetteer is not built) stops the run with
  `PipelineUnavailable`; a fault of the store (locked, read-only, disk full, damaged) is a
  `geo.errors.StoreError` raised by the store and propagates as it is: it would hit every article too.
* Parsing may run in worker processes (`jobs`); only the calling process writes, in input order.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.errors import DataMissingError
from geo.gazetteer.lookup import GazetteerNotBuilt

if TYPE_CHECKING:
    from geo.model import Article
    from geo.parse.articles import Rejected

__all__ = [
    "BATCH_ARTICLES",
    "PARALLEL_MIN_FILES",
    "IngestSummary",
    "Outcome",
    "PipelineUnavailable",
    "expand_paths",
    "format_summary",
    "ingest_items",
    "ingest_paths",
]

#: Below this many files, worker start-up (each worker loads the gazetteer) costs more than it saves.
PARALLEL_MIN_FILES = 200
#: Articles read ahead and parsed in parallel at a time (memory stays bounded on big corpora).
BATCH_ARTICLES = 256


class PipelineUnavailable(DataMissingError):
    """The geoparser cannot run at all (the gazetteer is missing or stale): stop instead of rejecting
    every article for the same reason."""


@dataclass(slots=True)
class Outcome:
    """What happened to one article or one unreadable input."""

    source: str
    status: str  # "new", "unchanged", "updated" (re-parsed) or "rejected"
    mentions: int = 0
    events: int = 0
    reason: str = ""


@dataclass(slots=True)
class IngestSummary:
    """What one ingest run did (also the CLI's `--format json` output)."""

    new: int = 0
    unchanged: int = 0
    updated: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    mentions: int = 0
    events: int = 0
    db: str = ""

    @property
    def read(self) -> int:
        return self.new + self.unchanged + self.updated

    def add(self, outcome: Outcome) -> None:
        if outcome.status == "rejected":
            self.rejected.append({"source": outcome.source, "reason": outcome.reason})
            return
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        self.mentions += outcome.mentions
        self.events += outcome.events

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def format_summary(s: IngestSummary) -> str:
    """The summary line plus one `rejected SOURCE: REASON` line per rejected input (terminal-safe)."""
    from geo.cli.terminal import printable

    lines = [
        f"{s.new} new, {s.unchanged} unchanged"
        + (f", {s.updated} re-parsed" if s.updated else "")
        + f", {len(s.rejected)} rejected; {s.mentions} mentions, {s.events} events"
        + f" stored in {printable(s.db)}"
    ]
    lines += [f"rejected {printable(r['source'])}: {printable(r['reason'])}" for r in s.rejected]
    return "\n".join(lines)


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Files of `paths`, folders expanded (sorted, hidden entries skipped) so that progress can count."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    if not f.startswith("."):
                        yield str(Path(root) / f)
        else:
            yield str(raw)  # a missing path is reported by read_paths, with its reason


def parse_one(article: Article) -> tuple[str, Any]:
    """Parse one article, never raising: ("ok", parsed) | ("error", reason) | ("fatal", reason).

    Module-level so that worker processes can run it.
    """
    from geo.parse.pipeline import parse_article

    try:
        return "ok", parse_article(article)
    except GazetteerNotBuilt as exc:
        return "fatal", f"the geoparser is not available ({exc})"
    except Exception as exc:  # a parser bug on one article must not stop the run
        return "error", f"could not be parsed ({type(exc).__name__}: {exc})"


def _triage(store: Any, items: Iterable[Article | Rejected], reparse: bool) -> Iterator[Outcome | Article]:
    """Rejected inputs and already-stored articles as outcomes; articles still to parse as they are."""
    from geo.parse.articles import Rejected

    for item in items:
        if isinstance(item, Rejected):
            yield Outcome(item.source, "rejected", reason=item.reason)
        elif not reparse and store.has_article(item.content_hash) is not None:
            yield Outcome(item.source, "unchanged")
        else:
            yield item


def _store(store: Any, article: Article, result: tuple[str, Any], reparse: bool) -> Outcome:
    status, value = result
    if status == "fatal":
        raise PipelineUnavailable(value)
    if status == "error":
        return Outcome(article.source, "rejected", reason=value)
    try:
        stored = store.ingest(value, replace=reparse)
    except (ValueError, TypeError, UnicodeError, sqlite3.IntegrityError) as exc:
        # bad data in one article (rolled back whole); disk or lock errors still stop the run
        reason = f"could not be stored ({type(exc).__name__}: {exc})"
        return Outcome(article.source, "rejected", reason=reason)
    return Outcome(article.source, stored.status, stored.mentions, stored.events)


def ingest_items(store: Any, items: Iterable[Article | Rejected], *, reparse: bool = False) -> list[Outcome]:
    """Store already-read articles (and report `Rejected` records) in this process, in order.

    Rejected inputs come first, in the order read, then each article's outcome, as for one file of
    `ingest_paths`.
    """
    outcomes: list[Outcome] = []
    todo: list[Article] = []
    for x in _triage(store, items, reparse):
        if isinstance(x, Outcome):
            outcomes.append(x)
        else:
            todo.append(x)
    outcomes += [_store(store, a, parse_one(a), reparse) for a in todo]
    return outcomes


def _auto_jobs(n_files: int) -> int:
    if n_files < PARALLEL_MIN_FILES:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


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


def ingest_paths(
    store: Any,
    paths: Iterable[str | os.PathLike[str]],
    *,
    reparse: bool = False,
    progress: bool = True,
    jobs: int = 1,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> IngestSummary:
    """Ingest files/folders into `store` and return the counts (the engine behind `conflictmap ingest`).

    `jobs`: 1 parses in this process, file by file; N > 1 parses batches of articles in N worker
    processes; 0 chooses (workers only for a few hundred files or more, at most 4). Either way only
    this process writes, one transaction per article, in file order. `progress` shows a tqdm bar on
    stderr; `on_outcome` sees every outcome as it happens.
    """
    from tqdm import tqdm

    from geo.parse.articles import read_paths

    summary = IngestSummary(db=str(store.path))
    files = list(expand_paths(paths))

    def warn(source: str, message: str) -> None:
        summary.warnings.append({"source": source, "warning": message})

    def record(outcome: Outcome) -> None:
        summary.add(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    bar_opts: dict[str, Any] = {"file": sys.stderr, "disable": not progress, "dynamic_ncols": True}
    workers = jobs if jobs > 0 else _auto_jobs(len(files))
    if workers == 1:
        with tqdm(total=len(files), unit="file", **bar_opts) as bar:
            for f in files:
                for outcome in ingest_items(store, read_paths([f], on_warning=warn), reparse=reparse):
                    record(outcome)
                bar.update(1)
        return summary

    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: a fresh interpreter per worker (fork after threads, e.g. tqdm's monitor, can deadlock).
    ctx = multiprocessing.get_context("spawn")
    with (
        tqdm(total=len(files), unit="file", **bar_opts) as bar,
        ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_exit_with_parent, initargs=(os.getpid(),)
        ) as pool,
    ):
        batch: list[Article] = []
        pending_files = 0

        def flush() -> None:
            nonlocal pending_files
            try:
                for article, result in zip(batch, pool.map(parse_one, batch, chunksize=8), strict=True):
                    record(_store(store, article, result, reparse))
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            batch.clear()
            bar.update(pending_files)
            pending_files = 0

        for f in files:
            for x in _triage(store, read_paths([f], on_warning=warn), reparse):
                if isinstance(x, Outcome):
                    record(x)
                else:
                    batch.append(x)
            pending_files += 1
            if len(batch) >= BATCH_ARTICLES:
                flush()
        flush()
    return summary
