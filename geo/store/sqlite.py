"""The SQLite backend of the store (the embedded default): one file, no server.

Why it looks like this:

* One SQLite file (stdlib ``sqlite3``, WAL, foreign keys) so the product runs anywhere without a server;
  it implements `geo.store.base.StoreBackend`, which a PostgreSQL backend will implement too.
* Ingest is idempotent by the article's content hash and writes each article (article + mentions +
  events) in ONE transaction, so a killed ingest never leaves a partial article and a re-run adds
  nothing twice.
* Analyst annotations are an append-only log (UPDATE/DELETE are refused by triggers). They are keyed by
  *stable* keys built from the article's content hash and character offsets (see `geo.store.base`), never
  by autoincrement row ids, so they survive re-ingesting, re-parsing or rebuilding the database and can be
  exported/imported between stores. Every read (``mentions_df``, ``events_df`` and everything built on
  them: layers, exports, CLI) folds the active annotations over the automatic results with the pure
  functions of `geo.store.annotations`; this module only reads and writes rows.
* Reads are cached per process and keyed by a ``generation`` counter that every write transaction bumps,
  so the dashboard can call ``events_df()`` on every rerun without re-reading 100,000 rows.
* The schema and its upgrades are in `geo.store.migrations`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from geo.errors import StoreError, StoreLockedError
from geo.model import Event, Mention, ParsedArticle
from geo.paths import default_store_path
from geo.store import annotations as ann
from geo.store import faults
from geo.store.annotations import PLACE_FIELDS, active_ids, check_analyst, iso_date
from geo.store.base import (
    EVENT_FRAME_COLUMNS,
    MENTION_FRAME_COLUMNS,
    TARGET_TYPES,
    UNCHECKED,
    AnnotationError,
    IngestOutcome,
    TargetType,
    event_local_key,
)
from geo.store.migrations import check_ours, migrate, rollback

__all__ = ["SQLiteStore", "Store", "default_db_path"]

_log = logging.getLogger(__name__)


def default_db_path() -> Path:
    """``$CONFLICTMAP_DB`` if set, else ``conflictmap.sqlite`` in the data home (see `geo.paths`)."""
    return default_store_path()


def _use_wal(con: sqlite3.Connection) -> None:
    """Switch the file to WAL unless it is already (first open of a new store).

    Changing the journal mode needs the file to itself and SQLite answers "database is locked" at once,
    without waiting for the busy timeout, when another process opens the same new file at that moment:
    so retry until the timeout, re-reading the mode (the other process has usually switched it).
    """
    deadline = time.monotonic() + faults.BUSY_TIMEOUT_S
    while True:
        try:
            if str(con.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                con.execute("PRAGMA journal_mode = WAL")
            return
        except StoreLockedError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid of the row the cursor's INSERT just added (``lastrowid`` is None only before one)."""
    if cur.lastrowid is None:
        raise sqlite3.InterfaceError("the statement inserted no row")
    return cur.lastrowid


# --------------------------------------------------------------------------------------------------
# process-wide read cache: (db path, generation, what) -> DataFrame

_CACHE: dict[tuple, tuple[Any, pd.DataFrame]] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 40  # entries (about 6 per store): tests and tools open many stores in one process


def _cache_put(key: tuple, value: tuple) -> None:
    """Insert (caller holds _CACHE_LOCK); the oldest entries go first when the cache is full."""
    _CACHE.pop(key, None)
    _CACHE[key] = value
    while len(_CACHE) > _CACHE_MAX:
        _CACHE.pop(next(iter(_CACHE)))


class Store:
    """One conflictmap SQLite database: the embedded :class:`~geo.store.base.StoreBackend`.

    Thread-safe (one connection guarded by a lock). The methods' contracts (columns, payloads, errors) are
    documented on :class:`~geo.store.base.StoreBackend`.

    >>> with Store(tmp_path / "x.sqlite") as store:        # doctest: +SKIP
    ...     store.ingest(parsed)
    ...     store.events_df()
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        self._lock = threading.RLock()
        self._con = self._open()

    def _open(self) -> sqlite3.Connection:
        """Connect, check that the file is ours, then set the persistent PRAGMAs and migrate.

        The order matters: ``journal_mode = WAL`` is written into the file, so it comes only after
        `migrations.check_ours` has read (and changed nothing in) a file that may be another
        application's database, a newer store or random bytes. ``busy_timeout`` and ``foreign_keys`` are
        settings of this connection only. Every fault becomes a `geo.errors.StoreError` naming the cause.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of store {self.path}: {exc.strerror or exc}") from exc
        try:
            con = sqlite3.connect(
                str(self.path),
                isolation_level=None,
                check_same_thread=False,
                timeout=faults.BUSY_TIMEOUT_S,
                factory=faults.StoreConnection,
            )
        except sqlite3.Error as exc:
            fault = faults.store_fault(exc, self.path)
            raise fault or StoreError(f"cannot open store {self.path}: {exc}") from exc
        con.store_path = str(self.path)  # named in fault messages
        try:
            con.execute(f"PRAGMA busy_timeout = {int(faults.BUSY_TIMEOUT_S * 1000)}")
            con.execute("PRAGMA foreign_keys = ON")
            with self._lock:
                check_ours(con, self.path)  # reads only: refuse before any PRAGMA writes to the file
                _use_wal(con)
                con.execute("PRAGMA synchronous = NORMAL")
                migrate(con, self.path)
        except BaseException as exc:
            con.close()
            fault = faults.store_fault(exc, self.path)
            if fault is None or fault is exc:
                raise
            raise fault from exc
        return con

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None  # type: ignore[assignment]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file, so that copying the file alone copies the
        store (SQLite only: used when a built store is kept as a template)."""
        with self._lock:
            self._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @property
    def schema_version(self) -> int:
        """The database's ``PRAGMA user_version`` (`migrations.SCHEMA_VERSION` once opened)."""
        with self._lock:
            return int(self._con.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _write(self, *, content: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT), all or nothing.

        Faults (locked beyond the busy timeout, read-only, disk full, damaged) are raised as
        `geo.errors.StoreError` subclasses by the connection (`geo.store.faults`) after the rollback.

        If it changed anything it bumps ``generation`` (and ``content_generation`` when ``content``:
        articles, mentions or events changed), which invalidates the read caches of every process.
        """
        with self._lock:
            con = self._con
            con.execute("BEGIN IMMEDIATE")
            try:
                before = con.total_changes
                yield con
                if con.total_changes != before:
                    keys = "('generation', 'content_generation')" if content else "('generation')"
                    con.execute(f"UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key IN {keys}")
                con.execute("COMMIT")
            except BaseException:
                # not a bare ROLLBACK: after a full disk SQLite has rolled back already, and "cannot
                # rollback - no transaction is active" would hide the cause (a StoreFullError)
                rollback(con)
                raise

    def cache_key(self) -> tuple[str, str, int]:
        """(file, store id, generation): changes whenever anything readable changes; for caches of
        derived data (layers) that must survive across Store objects but never outlive a change."""
        meta = self._meta()
        return (str(self.path.resolve()), meta.get("store_uid", ""), int(meta["generation"]))

    def generation(self) -> int:
        """A counter bumped by every write (by any process); use it as a cache key for derived data."""
        with self._lock:
            return int(self._con.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])

    # -- ingest --------------------------------------------------------------------------------

    def has_article(self, content_hash: str) -> int | None:
        """The article id stored for ``content_hash``, or None: lets callers skip parsing known files."""
        with self._lock:
            row = self._con.execute(
                "SELECT article_id FROM articles WHERE content_hash = ?", (content_hash,)
            ).fetchone()
        return None if row is None else int(row[0])

    def ingest(self, parsed: ParsedArticle, *, replace: bool = False) -> IngestOutcome:
        """Store one article in one transaction, idempotent by content hash (:meth:`StoreBackend.ingest`)."""
        with self._write(content=True) as con:
            return self._ingest_in_tx(con, parsed, replace=replace)

    def ingest_many(self, parsed: Iterable[ParsedArticle], *, batch_size: int = 500) -> list[IngestOutcome]:
        """Bulk ingest, ``batch_size`` articles per transaction (see :meth:`StoreBackend.ingest_many`)."""
        outcomes: list[IngestOutcome] = []
        batch: list[ParsedArticle] = []

        def flush() -> None:
            if batch:
                with self._write(content=True) as con:
                    outcomes.extend(self._ingest_in_tx(con, p, replace=False) for p in batch)
                batch.clear()

        for p in parsed:
            batch.append(p)
            if len(batch) >= batch_size:
                flush()
        flush()
        return outcomes

    def _ingest_in_tx(
        self, con: sqlite3.Connection, parsed: ParsedArticle, *, replace: bool
    ) -> IngestOutcome:
        art = parsed.article
        if not art.content_hash:
            raise ValueError(f"article {art.source!r} has no content hash")
        row = con.execute(
            "SELECT article_id FROM articles WHERE content_hash = ?", (art.content_hash,)
        ).fetchone()
        values = (
            art.source,
            art.title,
            art.language,
            iso_date(art.date),
            art.date_precision if art.date is not None else None,
            art.url,
            art.text,
        )
        if row is not None and not replace:
            return IngestOutcome("unchanged", int(row[0]), 0, 0)
        if row is not None:
            article_id = int(row[0])
            con.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
            con.execute("DELETE FROM events WHERE article_id = ?", (article_id,))
            # cached rows of this article are stale: readers must reload instead of appending
            con.execute(
                "INSERT INTO meta (key, value) VALUES ('rewrite_generation', '1') "
                "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )
            con.execute(
                "UPDATE articles SET source=?, title=?, language=?, date=?, date_precision=?, url=?, "
                "text=?, ingested_at=? WHERE article_id=?",
                (*values, _now(), article_id),
            )
            status: Literal["new", "updated"] = "updated"
        else:
            cur = con.execute(
                "INSERT INTO articles (source, title, language, date, date_precision, url, text, "
                "ingested_at, content_hash) VALUES (?,?,?,?,?,?,?,?,?)",
                (*values, _now(), art.content_hash),
            )
            article_id = _inserted_id(cur)
            status = "new"
        mention_rows = _mention_rows(article_id, parsed.mentions)
        con.executemany(
            'INSERT INTO mentions (article_id, start, "end", text, role, geonameid, name, lat, lon, '
            "country_code, admin1_code, feature_code, confidence, candidates) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            mention_rows,
        )
        event_rows = _event_rows(article_id, parsed.events)
        con.executemany(
            "INSERT INTO events (article_id, event_key, kind, actor, actor_text, place_text, geonameid, "
            "name, lat, lon, country_code, admin1_code, event_date, date_precision, where_precision, "
            "confidence, evidence, evidence_start, evidence_end, mention_start, mention_end, "
            "date_expression) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            event_rows,
        )
        return IngestOutcome(status, article_id, len(mention_rows), len(event_rows))

    # -- articles ------------------------------------------------------------------------------

    def articles_df(self) -> pd.DataFrame:
        """One row per article, annotations applied (columns: :meth:`StoreBackend.articles_df`)."""
        return self._cached("articles", self._load_articles).copy()

    def _load_articles(self) -> pd.DataFrame:
        raw = self._cached("raw_articles", self._load_raw_articles, counter="content_generation")
        with self._lock:
            states = self._annotation_states()["article"]
        return ann.apply_to_articles(raw, states)

    def _load_raw_articles(self) -> pd.DataFrame:
        with self._lock:
            df = pd.read_sql_query(
                """
                SELECT a.article_id, a.content_hash, a.source, a.title, a.language, a.date,
                       a.date_precision, a.url, a.ingested_at,
                       COALESCE(m.n, 0) AS n_mentions, COALESCE(e.n, 0) AS n_events
                FROM articles a
                LEFT JOIN (SELECT article_id, count(*) AS n FROM mentions GROUP BY article_id) m
                       USING (article_id)
                LEFT JOIN (SELECT article_id, count(*) AS n FROM events GROUP BY article_id) e
                       USING (article_id)
                ORDER BY a.date IS NULL, a.date, a.article_id
                """,
                self._con,
            )
        df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
        df["target_key"] = df["content_hash"]
        df["notes"] = ""
        df["status"] = "auto"
        df["last_annotation_id"] = pd.array([pd.NA] * len(df), dtype="Int64")
        return df

    def article(self, article_id: int) -> dict[str, Any] | None:
        """Full article as a dict (keys as in :meth:`articles_df` plus ``text``; ``date`` is a
        ``datetime.date`` or None), or None if there is no such article."""
        with self._lock:
            cur = self._con.execute(
                "SELECT article_id, content_hash, source, title, language, date, date_precision, url, "
                "text, ingested_at FROM articles WHERE article_id = ?",
                (int(article_id),),
            )
            row = cur.fetchone()
            if row is None:
                return None
            out = dict(zip([c[0] for c in cur.description], row, strict=True))
        eff = self._cached("articles", self._load_articles)
        hit = eff[eff["article_id"] == out["article_id"]]
        if len(hit):  # analyst's date (set_date) wins over the automatic one
            date = hit["date"].iloc[0]
            out["date"] = None if pd.isna(date) else date.date().isoformat()
            prec = hit["date_precision"].iloc[0]
            out["date_precision"] = None if pd.isna(prec) else prec
            out["status"] = hit["status"].iloc[0]
            out["notes"] = hit["notes"].iloc[0]
            out["last_annotation_id"] = hit["last_annotation_id"].iloc[0]
        out["target_key"] = out["content_hash"]
        out["date"] = dt.date.fromisoformat(out["date"]) if out["date"] else None
        return out

    def article_id_for_hash(self, content_hash: str) -> int | None:
        """Alias of :meth:`has_article` for readability at call sites that need the id."""
        return self.has_article(content_hash)

    def candidates(self, mention_id: int) -> list[dict[str, Any]]:
        """The resolver's alternatives for one mention, best first: dicts with geonameid, name,
        latitude, longitude, country_code, admin1_code, feature_code, population, score."""
        with self._lock:
            row = self._con.execute(
                "SELECT candidates FROM mentions WHERE mention_id = ?", (int(mention_id),)
            ).fetchone()
        return [] if row is None else json.loads(row[0])

    # -- effective reads -----------------------------------------------------------------------

    def mentions_df(self, article_id: int | None = None, *, include_rejected: bool = True) -> pd.DataFrame:
        """Place mentions with annotations applied (columns: :meth:`StoreBackend.mentions_df`)."""
        return _select(self.effective_mentions(), article_id, include_rejected)

    def events_df(self, article_id: int | None = None, *, include_rejected: bool = True) -> pd.DataFrame:
        """Events with annotations applied (columns and rules: :meth:`StoreBackend.events_df`)."""
        return _select(self.effective_events(), article_id, include_rejected)

    def date_range(self) -> tuple[dt.date | None, dt.date | None]:
        """(earliest, latest) over article dates and effective event dates; (None, None) if none."""
        dates = pd.concat(
            [
                self._cached("articles", self._load_articles)["date"],
                self.effective_events()["event_date"],
            ]
        ).dropna()
        if dates.empty:
            return None, None
        return dates.min().date(), dates.max().date()

    # internal cached frames (not copies: callers inside geo must not mutate them)

    def _meta(self) -> dict[str, str]:
        with self._lock:
            return dict(self._con.execute("SELECT key, value FROM meta").fetchall())

    def _cached(
        self, what: str, loader: Callable[[], pd.DataFrame], *, counter: str = "generation"
    ) -> pd.DataFrame:
        """Process-wide cache keyed by (file, what) and checked against a meta counter.

        ``generation`` changes on every write (annotations included); ``content_generation`` only when
        articles are ingested, so an annotation re-applies annotations to the cached raw frames instead
        of re-reading 100,000 rows.
        """
        meta = self._meta()
        gen = int(meta[counter])
        # store_uid: a file deleted and re-created at the same path must not hit the old file's cache.
        key = (str(self.path.resolve()), meta.get("store_uid", ""), what)
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
        if hit is not None and hit[0] == gen:
            return hit[1]
        df = loader()
        with _CACHE_LOCK:
            _cache_put(key, (gen, df))
        return df

    def _cached_rows(self, what: str, loader: Callable[[int], pd.DataFrame]) -> pd.DataFrame:
        """Raw mention/event rows, cached per content generation, loaded incrementally.

        Articles are append-only unless re-parsed (which bumps ``rewrite_generation``), and article ids
        only grow, so after an ingest only rows of articles newer than the cached ones are read: an
        upload into a 100,000-mention store does not re-read 100,000 rows.
        """
        meta = self._meta()
        gen = (int(meta["content_generation"]), int(meta.get("rewrite_generation", 0)))
        key = (str(self.path.resolve()), meta.get("store_uid", ""), what)
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
        if hit is not None and hit[0] == gen:
            return hit[1]
        if hit is not None and hit[0][1] == gen[1] and len(hit[1]):
            old = hit[1]
            delta = loader(int(old["article_id"].max()))
            df = pd.concat([old, delta], ignore_index=True) if len(delta) else old
        else:
            df = loader(0)
        with _CACHE_LOCK:
            _cache_put(key, (gen, df))
        return df

    def effective_mentions(self) -> pd.DataFrame:
        """Every mention with annotations applied, cached per generation; shared: do not mutate it."""
        return self._cached("mentions", self._load_mentions)

    def effective_events(self) -> pd.DataFrame:
        """Every event with annotations applied, cached per generation; shared: do not mutate it."""
        return self._cached("events", self._load_events)

    def _article_meta(self) -> pd.DataFrame:
        """Per-article columns joined onto mentions/events (indexed by article_id; no text)."""
        with self._lock:
            rows = self._con.execute(
                "SELECT article_id, content_hash, source, title, language, date FROM articles"
            ).fetchall()
        meta = pd.DataFrame.from_records(
            rows, columns=["article_id", "content_hash", "source", "title", "language", "article_date"]
        )
        meta["article_date"] = pd.to_datetime(meta["article_date"], format="%Y-%m-%d", errors="coerce")
        return meta.set_index("article_id")

    def _load_raw_mentions(self, after: int = 0) -> pd.DataFrame:
        cols = [
            "mention_id",
            "article_id",
            "start",
            "end",
            "text",
            "role",
            "geonameid",
            "name",
            "latitude",
            "longitude",
            "country_code",
            "admin1_code",
            "feature_code",
            "confidence",
        ]
        with self._lock:
            rows = self._con.execute(
                'SELECT mention_id, article_id, start, "end", text, role, geonameid, name, lat, lon, '
                "country_code, admin1_code, feature_code, confidence FROM mentions WHERE article_id > ? "
                "ORDER BY article_id, start",
                (after,),
            ).fetchall()
        df = pd.DataFrame.from_records(rows, columns=cols)
        for col in ("mention_id", "article_id", "start", "end"):
            df[col] = df[col].astype("int64")
        df["geonameid"] = df["geonameid"].astype("Int64")
        for col in ("latitude", "longitude", "confidence"):
            df[col] = df[col].astype(float)
        df = df.join(self._article_meta(), on="article_id")
        df["target_key"] = df["content_hash"] + ":" + df["start"].astype(str) + ":" + df["end"].astype(str)
        df["notes"] = ""
        df["status"] = "auto"
        df["last_annotation_id"] = pd.array([pd.NA] * len(df), dtype="Int64")
        return df[MENTION_FRAME_COLUMNS]

    def _load_raw_events(self, after: int = 0) -> pd.DataFrame:
        cols = [
            "event_id",
            "article_id",
            "event_key",
            "kind",
            "actor",
            "actor_text",
            "place",
            "place_text",
            "geonameid",
            "latitude",
            "longitude",
            "country_code",
            "admin1_code",
            "event_date",
            "date_precision",
            "date_expression",
            "where_precision",
            "confidence",
            "evidence",
            "evidence_start",
            "evidence_end",
            "mention_start",
            "mention_end",
        ]
        with self._lock:
            rows = self._con.execute(
                "SELECT event_id, article_id, event_key, kind, actor, actor_text, name, place_text, "
                "geonameid, lat, lon, country_code, admin1_code, event_date, date_precision, "
                "date_expression, where_precision, confidence, evidence, evidence_start, evidence_end, "
                "mention_start, mention_end FROM events WHERE article_id > ? ORDER BY event_id",
                (after,),
            ).fetchall()
        df = pd.DataFrame.from_records(rows, columns=cols)
        for col in ("event_id", "article_id", "evidence_start", "evidence_end"):
            df[col] = df[col].astype("int64")
        for col in ("geonameid", "where_precision", "mention_start", "mention_end"):
            df[col] = df[col].astype("Int64")
        for col in ("latitude", "longitude", "confidence"):
            df[col] = df[col].astype(float)
        df = df.join(self._article_meta(), on="article_id")
        df["target_key"] = df["content_hash"] + ":" + df["event_key"]
        df["notes"] = ""
        df["status"] = "auto"
        df["last_annotation_id"] = pd.array([pd.NA] * len(df), dtype="Int64")
        return df[EVENT_FRAME_COLUMNS]

    def _load_mentions(self) -> pd.DataFrame:
        raw = self._cached_rows("raw_mentions", self._load_raw_mentions)
        with self._lock:
            states = self._annotation_states()
        return ann.apply_to_mentions(raw, states)

    def _load_events(self) -> pd.DataFrame:
        raw = self._cached_rows("raw_events", self._load_raw_events)
        with self._lock:
            states = self._annotation_states()
        return ann.apply_to_events(raw, states)

    # -- annotations ---------------------------------------------------------------------------

    def annotate(
        self,
        target_type: TargetType,
        target_key: str,
        action: str,
        payload: dict[str, Any] | None = None,
        *,
        analyst: str,
        expected_last: int | None = UNCHECKED,
    ) -> int:
        """Append one annotation and return its id (payloads by action: :meth:`StoreBackend.annotate`)."""
        if action == "undo":
            if not isinstance(payload, dict) or "annotation_id" not in payload:
                raise AnnotationError("undo needs payload {'annotation_id': id}; use Store.undo()")
            return self.undo(payload["annotation_id"], analyst=analyst, expected_last=expected_last)
        target_type, content_hash = self._check_target(target_type, target_key)
        clean_payload = ann.check_payload(
            target_type,
            action,
            payload if payload is not None else {},
            find_place=lambda gid: (
                self._place_from_candidates(target_type, target_key, gid) or ann.place_from_gazetteer(gid)
            ),
            target_key=target_key,
        )
        analyst = check_analyst(analyst)
        with self._write() as con:
            self._check_expected(con, target_type, target_key, expected_last)
            cur = con.execute(
                "INSERT INTO annotations (uid, target_type, content_hash, target_key, action, payload, "
                "analyst, created_at) VALUES (?,?,?,?,?,?,?,?)",
                (
                    uuid.uuid4().hex,
                    target_type,
                    content_hash,
                    target_key,
                    action,
                    json.dumps(clean_payload, ensure_ascii=False, sort_keys=True),
                    analyst,
                    _now(),
                ),
            )
            return _inserted_id(cur)

    def undo(self, annotation_id: int, *, analyst: str, expected_last: int | None = UNCHECKED) -> int:
        """Append an ``undo`` row that cancels ``annotation_id`` (undoing an undo re-applies it).

        Raises :class:`AnnotationError` for an unknown or already-undone annotation and
        :class:`ConcurrentEditError` when ``expected_last`` does not match.
        """
        analyst = check_analyst(analyst)
        annotation_id = _annotation_id(annotation_id)
        with self._write() as con:
            row = con.execute(
                "SELECT uid, target_type, content_hash, target_key FROM annotations WHERE annotation_id=?",
                (annotation_id,),
            ).fetchone()
            if row is None:
                raise AnnotationError(f"no annotation #{annotation_id}")
            uid, target_type, content_hash, target_key = row
            self._check_expected(con, target_type, target_key, expected_last)
            active = active_ids(
                con.execute(
                    "SELECT annotation_id, undoes_id FROM annotations WHERE target_key = ? "
                    "AND target_type = ?",
                    (target_key, target_type),
                ).fetchall()
            )
            if int(annotation_id) not in active:
                raise AnnotationError(f"annotation #{annotation_id} is already undone")
            cur = con.execute(
                "INSERT INTO annotations (uid, target_type, content_hash, target_key, action, payload, "
                "analyst, created_at, undoes_id, undoes_uid) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    uuid.uuid4().hex,
                    target_type,
                    content_hash,
                    target_key,
                    "undo",
                    "{}",
                    analyst,
                    _now(),
                    int(annotation_id),
                    uid,
                ),
            )
            return _inserted_id(cur)

    def annotation_history(
        self,
        target_type: TargetType | None = None,
        target_key: str | None = None,
        *,
        article_id: int | None = None,
    ) -> pd.DataFrame:
        """All annotation rows, newest first (columns: :meth:`StoreBackend.annotation_history`)."""
        clauses: list[str] = []
        params: list[str | int] = []
        if target_type is not None:
            clauses.append("n.target_type = ?")
            params.append(target_type)
        if target_key is not None:
            clauses.append("n.target_key = ?")
            params.append(target_key)
        if article_id is not None:
            clauses.append("a.article_id = ?")
            params.append(int(article_id))
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        with self._lock:
            df = pd.read_sql_query(
                f"""
                SELECT n.annotation_id, n.uid, n.target_type, n.target_key, n.content_hash,
                       a.article_id, n.action, n.payload, n.analyst, n.created_at, n.undoes_id
                FROM annotations n LEFT JOIN articles a ON a.content_hash = n.content_hash
                {where}
                ORDER BY n.annotation_id DESC
                """,
                self._con,
                params=params,
            )
            all_rows = self._annotation_rows()
        problems = ann.row_problems(all_rows)
        active = active_ids([(r[0], None if r[0] in problems else r[6]) for r in all_rows])
        df["article_id"] = df["article_id"].astype("Int64")
        df["undoes_id"] = df["undoes_id"].astype("Int64")
        df["payload"] = pd.Series([_history_payload(p) for p in df["payload"]], index=df.index, dtype=object)
        df["active"] = df["annotation_id"].isin(active)
        df["undone"] = ~df["active"]
        df["valid"] = ~df["annotation_id"].isin(problems)
        df["problem"] = [problems.get(int(i), "") for i in df["annotation_id"]]
        df["status"] = [
            "undone" if undone else ("active" if valid else "invalid")
            for undone, valid in zip(df["undone"], df["valid"], strict=True)
        ]
        return df

    def export_annotations(self) -> list[dict[str, Any]]:
        """Every annotation row as JSON-able dicts, oldest first (:meth:`StoreBackend.export_annotations`)."""
        with self._lock:
            rows = self._con.execute(
                "SELECT uid, target_type, target_key, content_hash, action, payload, analyst, created_at, "
                "undoes_uid, annotation_id, undoes_id FROM annotations ORDER BY annotation_id"
            ).fetchall()
        problems = ann.row_problems((r[9], r[1], r[2], r[4], r[5], r[6], r[10]) for r in rows)
        ordered = ann.log_order(
            rows,
            ident=lambda r: r[0],
            after=lambda r: r[8],
            key=lambda r: (ann.parse_time(r[7]) or dt.datetime.min.replace(tzinfo=dt.UTC), r[9]),
        )
        out: list[dict[str, Any]] = []
        left_out: set[str] = set()
        for r in ordered:
            # An invalid row (and an undo of one) would make the whole file refused on import; it has
            # no effect here either, so it stays out, with a warning naming it.
            if r[9] in problems or (r[8] is not None and r[8] in left_out):
                left_out.add(r[0])
                why = problems.get(r[9]) or f"it undoes {r[8]}, which is left out"
                _log.warning("annotation #%s (uid %s) left out of the export: %s", r[9], r[0], why)
                continue
            out.append(
                {
                    "uid": r[0],
                    "target_type": r[1],
                    "target_key": r[2],
                    "content_hash": r[3],
                    "action": r[4],
                    "payload": json.loads(r[5]),
                    "analyst": r[6],
                    "created_at": r[7],
                    "undoes_uid": r[8],
                }
            )
        return out

    def import_annotations(self, rows: Iterable[dict[str, Any]]) -> int:
        """Add exported annotations in one transaction; returns how many were new (idempotent by uid)."""
        clean = ann.validate_imported(rows)
        added = 0
        with self._write() as con:
            for r in clean:
                stored = con.execute(
                    "SELECT target_type, target_key, action, payload, analyst, created_at, undoes_uid "
                    "FROM annotations WHERE uid = ?",
                    (r["uid"],),
                ).fetchone()
                if stored is not None:
                    if not ann.same_annotation(dict(zip(ann.ROW_FIELDS, stored, strict=True)), r):
                        raise AnnotationError(
                            f"annotation uid {r['uid']} is already in this store with different content; "
                            "nothing was imported"
                        )
                    continue
                undoes_id = None
                if r["undoes_uid"]:
                    hit = con.execute(
                        "SELECT annotation_id FROM annotations WHERE uid = ?", (r["undoes_uid"],)
                    ).fetchone()
                    if hit is None:
                        raise AnnotationError(
                            f"annotation {r['uid']}: undoes unknown annotation {r['undoes_uid']}"
                        )
                    undoes_id = int(hit[0])
                con.execute(
                    "INSERT INTO annotations (uid, target_type, content_hash, target_key, action, "
                    "payload, analyst, created_at, undoes_id, undoes_uid) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        r["uid"],
                        r["target_type"],
                        r["content_hash"],
                        r["target_key"],
                        r["action"],
                        r["payload"],
                        r["analyst"],
                        r["created_at"],
                        undoes_id,
                        r["undoes_uid"],
                    ),
                )
                added += 1
        return added

    # -- annotation internals ------------------------------------------------------------------

    def _check_target(self, target_type: str, target_key: str) -> tuple[TargetType, str]:
        if target_type not in TARGET_TYPES:
            raise AnnotationError(f"target_type must be one of {TARGET_TYPES}, not {target_type!r}")
        if target_type == "article":
            if self.has_article(str(target_key)) is None:
                raise AnnotationError(f"no article with key {target_key!r} in this store")
            return "article", str(target_key)
        if not isinstance(target_key, str) or ":" not in target_key:
            raise AnnotationError(f"invalid target key {target_key!r}")
        content_hash, local = target_key.split(":", 1)
        with self._lock:
            if target_type == "mention":
                try:
                    start, end = (int(x) for x in local.split(":"))
                except ValueError as exc:
                    raise AnnotationError(f"invalid mention key {target_key!r}") from exc
                hit = self._con.execute(
                    "SELECT 1 FROM mentions m JOIN articles a USING (article_id) "
                    'WHERE a.content_hash = ? AND m.start = ? AND m."end" = ?',
                    (content_hash, start, end),
                ).fetchone()
            else:
                hit = self._con.execute(
                    "SELECT 1 FROM events e JOIN articles a USING (article_id) "
                    "WHERE a.content_hash = ? AND e.event_key = ?",
                    (content_hash, local),
                ).fetchone()
        if hit is None:
            raise AnnotationError(f"no {target_type} with key {target_key!r} in this store")
        return target_type, content_hash  # type: ignore[return-value]

    def _place_from_candidates(self, target_type: str, target_key: str, gid: int) -> dict[str, Any] | None:
        if target_type != "mention":
            return None
        content_hash, local = target_key.split(":", 1)
        start, end = (int(x) for x in local.split(":"))
        with self._lock:
            row = self._con.execute(
                "SELECT m.candidates FROM mentions m JOIN articles a USING (article_id) "
                'WHERE a.content_hash = ? AND m.start = ? AND m."end" = ?',
                (content_hash, start, end),
            ).fetchone()
        for c in json.loads(row[0]) if row else []:
            if c.get("geonameid") == gid:
                return {k: c.get(k) for k in PLACE_FIELDS}
        return None

    def _check_expected(
        self, con: sqlite3.Connection, target_type: str, target_key: str, expected_last: Any
    ) -> None:
        if expected_last is UNCHECKED:
            return
        row = con.execute(
            "SELECT annotation_id, analyst, created_at, action FROM annotations "
            "WHERE target_type = ? AND target_key = ? ORDER BY annotation_id DESC LIMIT 1",
            (target_type, target_key),
        ).fetchone()
        ann.check_expected(target_type, target_key, expected_last, row)

    def _annotation_states(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Fold the active annotations per target into the effective overrides (caller holds lock).

        Cached per generation like the frames: articles, mentions and events are each re-loaded after a
        write, and checking and ordering the whole log three times would triple the cost of a write."""
        meta = self._meta()
        key = (str(self.path.resolve()), meta.get("store_uid", ""), "annotation_states")
        gen = int(meta["generation"])
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
        if hit is not None and hit[0] == gen:
            return hit[1]  # type: ignore[return-value]
        rows = self._con.execute(
            "SELECT annotation_id, target_type, target_key, action, payload, analyst, undoes_id, created_at "
            "FROM annotations ORDER BY annotation_id"
        ).fetchall()
        times = {r[0]: r[7] for r in rows}
        states = ann.fold_annotations([r[:7] for r in rows], times)
        with _CACHE_LOCK:
            _cache_put(key, (gen, states))
        return states

    def _annotation_rows(self) -> list[ann.AnnotationRow]:
        """Every annotation row in the fold's shape (caller holds lock)."""
        return self._con.execute(
            "SELECT annotation_id, target_type, target_key, action, payload, analyst, undoes_id "
            "FROM annotations ORDER BY annotation_id"
        ).fetchall()


def _annotation_id(value: Any) -> int:
    """An annotation id given by a caller (the dashboard, a payload) as an int, or AnnotationError."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise AnnotationError(f"annotation_id must be an integer, not {value!r}")
    try:
        return int(value)
    except ValueError as exc:
        raise AnnotationError(f"annotation_id must be an integer, not {value!r}") from exc


def _history_payload(text: str) -> dict[str, Any]:
    """A stored payload for the history: the object, or the unreadable text under "raw"."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return {"raw": text}
    return value if isinstance(value, dict) else {"raw": text}


def _mention_rows(article_id: int, mentions: list[Mention]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    seen: set[tuple[int, int]] = set()
    for m in mentions:
        span = (int(m.start), int(m.end))
        if span in seen:  # one row per span: the stable key is (content_hash, start, end)
            continue
        seen.add(span)
        p = m.place
        cands = [
            {
                "geonameid": c.place.geonameid,
                "name": c.place.name,
                "latitude": c.place.latitude,
                "longitude": c.place.longitude,
                "country_code": c.place.country_code,
                "admin1_code": c.place.admin1_code or None,
                "feature_code": c.place.feature_code,
                "population": c.place.population,
                "score": round(float(c.score), 4),
            }
            for c in m.candidates
        ]
        rows.append(
            (
                article_id,
                span[0],
                span[1],
                m.text,
                m.role,
                p.geonameid if p else None,
                p.name if p else None,
                p.latitude if p else None,
                p.longitude if p else None,
                p.country_code if p else None,
                (p.admin1_code or None) if p else None,
                p.feature_code if p else None,
                float(m.confidence),
                json.dumps(cands, ensure_ascii=False),
            )
        )
    return rows


def _event_rows(article_id: int, events: list[Event]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    seen: dict[str, int] = {}
    for ev in events:
        key = event_local_key(ev)
        n = seen.get(key, 0)
        seen[key] = n + 1
        if n:
            key = f"{key}#{n + 1}"
        p = ev.place
        rows.append(
            (
                article_id,
                key,
                ev.kind,
                ev.actor,
                ev.actor_text,
                ev.place_text,
                p.geonameid if p else None,
                p.name if p else None,
                p.latitude if p else None,
                p.longitude if p else None,
                p.country_code if p else None,
                (p.admin1_code or None) if p else None,
                iso_date(ev.date),
                ev.date_precision if ev.date is not None else None,
                ev.where_precision,
                float(ev.confidence),
                ev.evidence,
                int(ev.evidence_start),
                int(ev.evidence_end),
                ev.mention_start,
                ev.mention_end,
                getattr(ev, "date_expression", None),
            )
        )
    return rows


#: The SQLite backend under a name that says so (``Store`` stays the name callers know).
SQLiteStore = Store


def _select(df: pd.DataFrame, article_id: int | None, include_rejected: bool) -> pd.DataFrame:
    """A caller's own copy of an effective frame, for one article and without rejected rows if asked."""
    if article_id is not None:
        df = df[df["article_id"] == int(article_id)]
    if not include_rejected:
        df = df[df["status"] != "rejected"]
    return df.copy()
