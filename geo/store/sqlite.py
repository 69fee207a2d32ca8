"""SQLite store for articles, place mentions, events and analyst annotations.

Why it looks like this:

* One SQLite file (stdlib ``sqlite3``, WAL, foreign keys) so the product runs anywhere without a server;
  the same public API could sit on PostgreSQL later.
* Ingest is idempotent by the article's content hash and writes each article (article + mentions +
  events) in ONE transaction, so a killed ingest never leaves a partial article and a re-run adds
  nothing twice.
* Analyst annotations are an append-only log (UPDATE/DELETE are refused by triggers). They are keyed by
  *stable* keys built from the article's content hash and character offsets, never by autoincrement row
  ids, so they survive re-ingesting, re-parsing or rebuilding the database and can be exported/imported
  between stores. Every read (``mentions_df``, ``events_df`` and everything built on them: layers,
  exports, CLI) folds the active annotations over the automatic results.
* Reads are cached per process and keyed by a ``generation`` counter that every write transaction bumps,
  so the dashboard can call ``events_df()`` on every rerun without re-reading 100,000 rows.

Stable target keys (``target_key`` column of ``mentions_df``/``events_df``):

* mention: ``"<content_hash>:<start>:<end>"``
* event:   ``"<content_hash>:<evidence_start>:<mention_start or ''>:<automatic kind>"`` (``#n`` appended when
  one sentence yields several identical keys).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from geo.model import EVENT_KINDS, Event, Mention, ParsedArticle, Place
from geo.paths import default_store_path

__all__ = [
    "ANNOTATION_ACTIONS",
    "SCHEMA_VERSION",
    "UNCHECKED",
    "AnnotationError",
    "ConcurrentEditError",
    "IngestOutcome",
    "SchemaError",
    "Store",
    "default_db_path",
    "event_key",
    "mention_key",
]


TargetType = Literal["mention", "event", "article"]
TARGET_TYPES: tuple[str, ...] = ("mention", "event", "article")

#: Actions an analyst can record. ``reject`` is accepted as a synonym of ``not_a_place`` (for events it
#: means "this event did not happen / is not an event"), ``set_date`` dates an article (target_type
#: "article"), ``undo`` is written by :meth:`Store.undo`.
ANNOTATION_ACTIONS: tuple[str, ...] = (
    "confirm",
    "choose_candidate",
    "set_place",
    "set_point",
    "not_a_place",
    "reject",
    "edit_event",
    "set_date",
    "note",
    "undo",
)
_PLACE_ACTIONS = ("choose_candidate", "set_place", "set_point")
_EVENT_EDIT_FIELDS = ("kind", "actor", "event_date", "date_precision", "where_precision")
_PLACE_FIELDS = ("geonameid", "name", "latitude", "longitude", "country_code", "admin1_code", "feature_code")


class _Unchecked:
    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return "UNCHECKED"


#: Default for ``expected_last``: do not check for concurrent edits.
UNCHECKED: Any = _Unchecked()


class SchemaError(RuntimeError):
    """The database file was written by a newer conflictmap or is not a conflictmap store."""


class AnnotationError(ValueError):
    """An annotation is invalid (unknown target, action, or payload); the message says which."""


class ConcurrentEditError(AnnotationError):
    """Someone else annotated the same target since the caller loaded it (expected id mismatch)."""


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """Result of storing one article.

    ``status`` is "new" (written), "unchanged" (same content hash already stored: nothing written) or
    "updated" (``replace=True``: mentions and events replaced). ``mentions``/``events`` count rows
    written by this call (0 when unchanged).
    """

    status: Literal["new", "unchanged", "updated"]
    article_id: int
    mentions: int
    events: int


# --------------------------------------------------------------------------------------------------
# keys


def mention_key(content_hash: str, start: int, end: int) -> str:
    """Stable annotation key of a mention: survives re-ingest because it only uses content and offsets."""
    return f"{content_hash}:{int(start)}:{int(end)}"


def _event_local_key(ev: Event) -> str:
    ms = "" if ev.mention_start is None else str(int(ev.mention_start))
    return f"{int(ev.evidence_start)}:{ms}:{ev.kind}"


def event_key(content_hash: str, ev: Event) -> str:
    """Stable annotation key of an event (without the ``#n`` suffix used for duplicates)."""
    return f"{content_hash}:{_event_local_key(ev)}"


# --------------------------------------------------------------------------------------------------
# schema and migrations


def _exec_script(con: sqlite3.Connection, script: str) -> None:
    """Run a multi-statement script inside the caller's transaction.

    ``Connection.executescript`` commits first, which would make a migration non-atomic; so statements
    are split with ``sqlite3.complete_statement`` (which understands trigger bodies) and run one by one.
    """
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            con.execute(buf)
            buf = ""
    if buf.strip():
        con.execute(buf)


def _m1_initial(con: sqlite3.Connection) -> None:
    _exec_script(
        con,
        """
        CREATE TABLE articles (
            article_id     INTEGER PRIMARY KEY,
            content_hash   TEXT NOT NULL UNIQUE,
            source         TEXT NOT NULL,
            title          TEXT,
            language       TEXT,
            date           TEXT,
            date_precision TEXT,
            url            TEXT,
            text           TEXT NOT NULL,
            ingested_at    TEXT NOT NULL
        );
        CREATE TABLE mentions (
            mention_id   INTEGER PRIMARY KEY,
            article_id   INTEGER NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
            start        INTEGER NOT NULL,
            "end"        INTEGER NOT NULL,
            text         TEXT NOT NULL,
            role         TEXT NOT NULL DEFAULT 'place',
            geonameid    INTEGER,
            name         TEXT,
            lat          REAL,
            lon          REAL,
            country_code TEXT,
            admin1_code  TEXT,
            feature_code TEXT,
            confidence   REAL NOT NULL DEFAULT 0,
            candidates   TEXT NOT NULL DEFAULT '[]',
            UNIQUE (article_id, start, "end")
        );
        CREATE TABLE events (
            event_id        INTEGER PRIMARY KEY,
            article_id      INTEGER NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
            event_key       TEXT NOT NULL,
            kind            TEXT NOT NULL,
            actor           TEXT,
            actor_text      TEXT,
            place_text      TEXT,
            geonameid       INTEGER,
            name            TEXT,
            lat             REAL,
            lon             REAL,
            country_code    TEXT,
            admin1_code     TEXT,
            event_date      TEXT,
            date_precision  TEXT,
            where_precision INTEGER,
            confidence      REAL NOT NULL DEFAULT 0,
            evidence        TEXT NOT NULL DEFAULT '',
            evidence_start  INTEGER NOT NULL,
            evidence_end    INTEGER NOT NULL,
            mention_start   INTEGER,
            mention_end     INTEGER,
            UNIQUE (article_id, event_key)
        );
        CREATE INDEX mentions_article ON mentions(article_id);
        CREATE INDEX events_article ON events(article_id);
        """,
    )


def _m2_annotations(con: sqlite3.Connection) -> None:
    _exec_script(
        con,
        """
        CREATE TABLE annotations (
            annotation_id INTEGER PRIMARY KEY,
            uid           TEXT NOT NULL UNIQUE,
            target_type   TEXT NOT NULL CHECK (target_type IN ('mention', 'event')),
            content_hash  TEXT NOT NULL,
            target_key    TEXT NOT NULL,
            action        TEXT NOT NULL,
            payload       TEXT NOT NULL DEFAULT '{}',
            analyst       TEXT NOT NULL,
            created_at    TEXT NOT NULL,
            undoes_id     INTEGER REFERENCES annotations(annotation_id),
            undoes_uid    TEXT
        );
        CREATE INDEX annotations_target ON annotations(target_type, target_key);
        CREATE TRIGGER annotations_append_only_update BEFORE UPDATE ON annotations
            BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;
        CREATE TRIGGER annotations_append_only_delete BEFORE DELETE ON annotations
            BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta (key, value) VALUES ('generation', '0');
        """,
    )


def _m3_date_expression(con: sqlite3.Connection) -> None:
    # geo.model.Event gained `date_expression` (the words that dated the event) so that an analyst can
    # later re-date an undated article and have relative dates ("on Thursday") resolved again.
    con.execute("ALTER TABLE events ADD COLUMN date_expression TEXT")
    con.execute("CREATE INDEX events_date ON events(event_date)")


def _m4_content_generation(con: sqlite3.Connection) -> None:
    # A second counter that only ingest bumps: annotation writes then re-fold annotations over cached
    # article/mention/event rows instead of re-reading them.
    con.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('content_generation', '0')")


def _m5_article_annotations(con: sqlite3.Connection) -> None:
    # Analysts can date an undated article (target_type 'article', action 'set_date'); SQLite cannot
    # alter a CHECK constraint, so the table is rebuilt (foreign keys are off during migrations).
    _exec_script(
        con,
        """
        DROP TRIGGER annotations_append_only_update;
        DROP TRIGGER annotations_append_only_delete;
        CREATE TABLE annotations_v5 (
            annotation_id INTEGER PRIMARY KEY,
            uid           TEXT NOT NULL UNIQUE,
            target_type   TEXT NOT NULL CHECK (target_type IN ('mention', 'event', 'article')),
            content_hash  TEXT NOT NULL,
            target_key    TEXT NOT NULL,
            action        TEXT NOT NULL,
            payload       TEXT NOT NULL DEFAULT '{}',
            analyst       TEXT NOT NULL,
            created_at    TEXT NOT NULL,
            undoes_id     INTEGER REFERENCES annotations(annotation_id),
            undoes_uid    TEXT
        );
        INSERT INTO annotations_v5 SELECT annotation_id, uid, target_type, content_hash, target_key, action,
            payload, analyst, created_at, undoes_id, undoes_uid FROM annotations;
        DROP TABLE annotations;
        ALTER TABLE annotations_v5 RENAME TO annotations;
        CREATE INDEX annotations_target ON annotations(target_type, target_key);
        CREATE INDEX annotations_hash ON annotations(content_hash);
        CREATE TRIGGER annotations_append_only_update BEFORE UPDATE ON annotations
            BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;
        CREATE TRIGGER annotations_append_only_delete BEFORE DELETE ON annotations
            BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;
        INSERT OR IGNORE INTO meta (key, value) VALUES ('store_uid', lower(hex(randomblob(16))));
        """,
    )


#: Ordered migrations; index i upgrades from user_version i to i+1.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _m1_initial,
    _m2_annotations,
    _m3_date_expression,
    _m4_content_generation,
    _m5_article_annotations,
)
SCHEMA_VERSION = len(MIGRATIONS)


def default_db_path() -> Path:
    """``$CONFLICTMAP_DB`` if set, else ``conflictmap.sqlite`` in the data home (see `geo.paths`)."""
    return default_store_path()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date().isoformat()
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10]).isoformat()
    raise TypeError(f"not a date: {value!r}")


def _clean(value: Any) -> Any:
    """Make a value JSON-able / SQLite-friendly (numpy scalars, NaN)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


_MENTION_COLUMNS = [
    "mention_id", "article_id", "content_hash", "target_key", "start", "end", "text", "role", "geonameid",
    "name", "latitude", "longitude", "country_code", "admin1_code", "feature_code", "confidence", "source",
    "title", "language", "article_date", "notes", "status", "last_annotation_id",
]  # fmt: skip
_EVENT_COLUMNS = [
    "event_id", "article_id", "content_hash", "target_key", "kind", "actor", "actor_text", "place",
    "place_text", "geonameid", "latitude", "longitude", "country_code", "admin1_code", "event_date",
    "date_precision", "date_expression", "where_precision", "confidence", "evidence", "evidence_start",
    "evidence_end", "mention_start", "mention_end", "source", "title", "language", "article_date", "notes",
    "status", "last_annotation_id",
]  # fmt: skip

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
    """One conflictmap SQLite database. Thread-safe (one connection guarded by a lock).

    >>> with Store(tmp_path / "x.sqlite") as store:        # doctest: +SKIP
    ...     store.ingest(parsed)
    ...     store.events_df()
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._con = sqlite3.connect(
            str(self.path), isolation_level=None, check_same_thread=False, timeout=30.0
        )
        self._con.execute("PRAGMA foreign_keys = ON")
        self._con.execute("PRAGMA busy_timeout = 30000")
        try:
            self._con.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as exc:
            self._con.close()
            raise SchemaError(f"{self.path} is not a SQLite database: {exc}") from exc
        self._con.execute("PRAGMA synchronous = NORMAL")
        self._migrate()

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

    @property
    def schema_version(self) -> int:
        """The database's ``PRAGMA user_version`` (equals :data:`SCHEMA_VERSION` once opened)."""
        with self._lock:
            return int(self._con.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        with self._lock:
            version = int(self._con.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise SchemaError(
                    f"{self.path} has schema version {version}, newer than this conflictmap "
                    f"({SCHEMA_VERSION}); upgrade conflictmap"
                )
            if version == 0:
                tables = self._con.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type='table'"
                ).fetchone()[0]
                if tables:
                    raise SchemaError(f"{self.path} is a SQLite file but not a conflictmap store")
            if version == SCHEMA_VERSION:
                return
            # SQLite's recipe for schema changes: foreign keys off (a table rebuild would otherwise trip
            # them), each step in its own transaction (a crash mid-migration leaves the old version),
            # and a foreign-key check before committing.
            self._con.execute("PRAGMA foreign_keys = OFF")
            try:
                for target in range(version, SCHEMA_VERSION):
                    self._con.execute("BEGIN IMMEDIATE")
                    try:
                        MIGRATIONS[target](self._con)
                        bad = self._con.execute("PRAGMA foreign_key_check").fetchall()
                        if bad:
                            raise SchemaError(f"migration {target + 1} broke foreign keys: {bad[:3]}")
                        self._con.execute(f"PRAGMA user_version = {target + 1}")
                        self._con.execute("COMMIT")
                    except BaseException:
                        self._con.execute("ROLLBACK")
                        raise
            finally:
                self._con.execute("PRAGMA foreign_keys = ON")

    @contextmanager
    def _write(self, *, content: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT).

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
                con.execute("ROLLBACK")
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
        """Store one parsed article (article + mentions + events) in one transaction.

        Idempotent by ``parsed.article.content_hash``: a known hash returns status "unchanged" and
        writes nothing, unless ``replace=True`` (re-parse with a newer pipeline), which replaces the
        article's mentions and events in the same transaction ("updated"). Annotations are untouched in
        both cases and keep applying because they are keyed by content hash and offsets.
        """
        with self._write(content=True) as con:
            return self._ingest_in_tx(con, parsed, replace=replace)

    def ingest_many(self, parsed: Iterable[ParsedArticle], *, batch_size: int = 500) -> list[IngestOutcome]:
        """Bulk path (benchmarks, synthetic stores): ``batch_size`` articles per transaction.

        Still all-or-nothing per batch, so never a partial article; the CLI uses :meth:`ingest`.
        """
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
            _iso(art.date),
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
            article_id = int(cur.lastrowid)
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
        """One row per article, ordered by (effective) date, undated last, then id.

        Columns: article_id, content_hash, source, title, language, date (datetime64, NaT if unknown;
        an analyst's ``set_date`` wins), date_precision, url, ingested_at, n_mentions, n_events,
        target_key (= content_hash, for :meth:`annotate`), notes, status ('auto'|'confirmed'|'edited'),
        last_annotation_id (Int64).
        """
        return self._cached("articles", self._load_articles).copy()

    def _load_articles(self) -> pd.DataFrame:
        raw = self._cached("raw_articles", self._load_raw_articles, counter="content_generation")
        with self._lock:
            states = self._annotation_states()["article"]
        df = raw.copy()
        if states:
            _apply_article_states(df, states, key_col="content_hash", date_col="date")
            df = df.sort_values(["date", "article_id"], na_position="last", kind="mergesort")
        return df.reset_index(drop=True)

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
        """Place mentions with analyst annotations applied.

        Columns: mention_id, article_id, content_hash, target_key, start, end, text, role
        ('place'|'dateline'), geonameid (Int64), name, latitude, longitude, country_code, admin1_code,
        feature_code, confidence, source, title, language, article_date (datetime64), notes (analyst
        notes joined by newlines, '' if none), status ('auto'|'confirmed'|'edited'|'rejected'),
        last_annotation_id (Int64: newest annotation row of any kind on this target, including undos;
        pass it as ``expected_last`` to :meth:`annotate`).
        A rejected mention ("not a place") has no coordinates.
        """
        df = self._mentions_effective()
        if article_id is not None:
            df = df[df["article_id"] == int(article_id)]
        if not include_rejected:
            df = df[df["status"] != "rejected"]
        return df.copy()

    def events_df(self, article_id: int | None = None, *, include_rejected: bool = True) -> pd.DataFrame:
        """Events with analyst annotations applied (ACLED/UCDP-style names).

        Columns: event_id, article_id, content_hash, target_key, kind, actor, actor_text, place (name),
        place_text, geonameid (Int64), latitude, longitude, country_code, admin1_code, event_date
        (datetime64, NaT if unknown; month/year precision dates are the first day of the period),
        date_precision ('day'|'month'|'year'|None), date_expression, where_precision (Int64, UCDP
        where_prec), confidence, evidence, evidence_start, evidence_end, mention_start (Int64),
        mention_end (Int64), source, title, language, article_date (datetime64), notes, status
        ('auto'|'confirmed'|'edited'|'rejected'), last_annotation_id (Int64).

        An event inherits the analyst's place correction of the mention it was read from (same article,
        same span) unless the event has its own place annotation; when that mention is marked
        "not a place" the event is rejected.
        """
        df = self._events_effective()
        if article_id is not None:
            df = df[df["article_id"] == int(article_id)]
        if not include_rejected:
            df = df[df["status"] != "rejected"]
        return df.copy()

    def date_range(self) -> tuple[dt.date | None, dt.date | None]:
        """(earliest, latest) over article dates and effective event dates; (None, None) if none."""
        dates = pd.concat(
            [
                self._cached("articles", self._load_articles)["date"],
                self._events_effective()["event_date"],
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

    def _mentions_effective(self) -> pd.DataFrame:
        return self._cached("mentions", self._load_mentions)

    def _events_effective(self) -> pd.DataFrame:
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
        return df[_MENTION_COLUMNS]

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
        return df[_EVENT_COLUMNS]

    def _load_mentions(self) -> pd.DataFrame:
        raw = self._cached_rows("raw_mentions", self._load_raw_mentions)
        with self._lock:
            states = self._annotation_states()
        df = raw.copy()
        _apply_states(df, states.get("mention", {}), place_name_col="name", clear_place_on_reject=True)
        _apply_article_states(
            df, states["article"], key_col="content_hash", date_col="article_date", only_dates=True
        )
        return df

    def _load_events(self) -> pd.DataFrame:
        raw = self._cached_rows("raw_events", self._load_raw_events)
        with self._lock:
            states = self._annotation_states()
        df = raw.copy()
        # Inherit place corrections made on the mention the event was read from.
        mention_states = states.get("mention", {})
        event_states = states.get("event", {})
        if mention_states and len(df):
            has_span = df["mention_start"].notna()
            mkeys = (
                df["content_hash"]
                + ":"
                + df["mention_start"].astype("string").fillna("")
                + ":"
                + df["mention_end"].astype("string").fillna("")
            )
            for pos in np.flatnonzero(has_span.to_numpy() & mkeys.isin(mention_states.keys()).to_numpy()):
                m_state = mention_states[mkeys.iat[pos]]
                if m_state.get("place") is None and not m_state.get("rejected"):
                    continue
                key = df["target_key"].iat[pos]
                own = event_states.get(key)
                if own is not None and (own.get("place") is not None or own.get("rejected")):
                    continue
                merged = dict(own or {})
                if m_state.get("rejected"):
                    merged["rejected"] = True
                    merged["clear_place"] = True
                    merged["status"] = "rejected"
                else:
                    merged["place"] = m_state["place"]
                    if merged.get("status") in (None, "auto", "confirmed"):
                        merged["status"] = "edited"
                merged.setdefault("last_id", None)
                event_states = {**event_states, key: merged}
        _apply_states(df, event_states, place_name_col="place", clear_place_on_reject=False)
        _redate_events(df, states["article"], event_states)
        df["event_date"] = pd.to_datetime(df["event_date"], format="%Y-%m-%d", errors="coerce")
        return df

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
        """Append one annotation and return its ``annotation_id``.

        ``target_key`` is the ``target_key`` column of :meth:`mentions_df` / :meth:`events_df` /
        :meth:`articles_df` (for an article it is its content hash). Payloads by action:

        * ``confirm``, ``not_a_place``/``reject``: ``{}`` (optional ``"comment"``)
        * ``choose_candidate``: ``{"geonameid": int}`` (one of the mention's candidates, or any
          gazetteer place)
        * ``set_place``: ``{"geonameid": int}`` (filled from the gazetteer) or full place fields
          ``geonameid, name, latitude, longitude, country_code[, admin1_code, feature_code]``
        * ``set_point``: ``{"latitude": float, "longitude": float[, "name": str]}``
        * ``edit_event`` (events only): any of ``kind, actor, event_date (YYYY-MM-DD), date_precision,
          where_precision``; ``None`` clears actor/date
        * ``note``: ``{"text": str}`` (any target)
        * ``set_date`` (articles only): ``{"date": "YYYY-MM-DD" | None, "date_precision": "day" |
          "month" | "year"}``: dates an undated (or wrongly dated) article; its events are re-dated
          (relative expressions such as "on Thursday" resolved again; events without one take the
          article date) unless an event's own date was edited. Articles accept ``confirm``/``note`` too.

        ``expected_last``: the ``last_annotation_id`` the caller saw (None = "no annotation yet"); if
        someone annotated the target meanwhile, :class:`ConcurrentEditError` is raised and nothing is
        written. Omit it to skip the check.
        """
        if action == "undo":
            if not payload or "annotation_id" not in payload:
                raise AnnotationError("undo needs payload {'annotation_id': id}; use Store.undo()")
            return self.undo(int(payload["annotation_id"]), analyst=analyst, expected_last=expected_last)
        target_type, content_hash = self._check_target(target_type, target_key)
        clean_payload = self._check_payload(target_type, target_key, action, payload or {})
        analyst = _check_analyst(analyst)
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
            return int(cur.lastrowid)

    def undo(self, annotation_id: int, *, analyst: str, expected_last: int | None = UNCHECKED) -> int:
        """Append an ``undo`` row that cancels ``annotation_id`` (undoing an undo re-applies it).

        Raises :class:`AnnotationError` for an unknown or already-undone annotation and
        :class:`ConcurrentEditError` when ``expected_last`` does not match.
        """
        analyst = _check_analyst(analyst)
        with self._write() as con:
            row = con.execute(
                "SELECT uid, target_type, content_hash, target_key FROM annotations WHERE annotation_id=?",
                (int(annotation_id),),
            ).fetchone()
            if row is None:
                raise AnnotationError(f"no annotation #{annotation_id}")
            uid, target_type, content_hash, target_key = row
            self._check_expected(con, target_type, target_key, expected_last)
            active = _active_ids(
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
            return int(cur.lastrowid)

    def annotation_history(
        self,
        target_type: TargetType | None = None,
        target_key: str | None = None,
        *,
        article_id: int | None = None,
    ) -> pd.DataFrame:
        """All annotation rows (newest first), optionally for one target or one article.

        Columns: annotation_id, uid, target_type, target_key, content_hash, article_id (Int64; NA when
        the article is not in this store), action, payload (dict), analyst, created_at (ISO UTC str),
        undoes_id (Int64), active (bool: the row currently has effect), undone (bool: cancelled by an
        active undo; for an undo row: the undo itself was undone, i.e. a redo).
        """
        clauses, params = [], []
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
            all_rows = self._con.execute("SELECT annotation_id, undoes_id FROM annotations").fetchall()
        active = _active_ids(all_rows)
        df["article_id"] = df["article_id"].astype("Int64")
        df["undoes_id"] = df["undoes_id"].astype("Int64")
        df["payload"] = [json.loads(p) for p in df["payload"]]
        df["active"] = df["annotation_id"].isin(active)
        df["undone"] = ~df["active"]
        return df

    def export_annotations(self) -> list[dict[str, Any]]:
        """Every annotation row as JSON-able dicts (oldest first) with stable ``uid``/``undoes_uid``.

        Keys: uid, target_type, target_key, content_hash, action, payload, analyst, created_at,
        undoes_uid. Local row ids are not exported: they mean nothing in another store.
        """
        with self._lock:
            rows = self._con.execute(
                "SELECT uid, target_type, target_key, content_hash, action, payload, analyst, created_at, "
                "undoes_uid FROM annotations ORDER BY annotation_id"
            ).fetchall()
        return [
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
            for r in rows
        ]

    def import_annotations(self, rows: Iterable[dict[str, Any]]) -> int:
        """Add annotations exported by :meth:`export_annotations`; returns how many were new.

        Idempotent: rows whose ``uid`` is already stored are skipped. All rows are validated first and
        written in one transaction (a bad row raises :class:`AnnotationError` and nothing is written).
        Targets need not exist yet: annotations for articles not ingested here apply once they are.
        """
        rows = list(rows)
        clean: list[dict[str, Any]] = []
        for i, r in enumerate(rows):
            if not isinstance(r, dict):
                raise AnnotationError(f"annotation {i}: not an object")
            try:
                uid = str(r["uid"])
                target_type = str(r["target_type"])
                target_key = str(r["target_key"])
                action = str(r["action"])
                analyst = _check_analyst(r["analyst"])
                created_at = str(r["created_at"])
                dt.datetime.fromisoformat(created_at)
            except (KeyError, TypeError, ValueError, AnnotationError) as exc:
                raise AnnotationError(f"annotation {i}: missing or invalid field ({exc})") from exc
            if target_type not in TARGET_TYPES:
                raise AnnotationError(f"annotation {i}: unknown target_type {target_type!r}")
            if action not in ANNOTATION_ACTIONS:
                raise AnnotationError(f"annotation {i}: unknown action {action!r}")
            payload = r.get("payload") or {}
            if not isinstance(payload, dict):
                raise AnnotationError(f"annotation {i}: payload must be an object")
            try:
                payload = _check_imported_payload(action, payload)
            except AnnotationError as exc:
                raise AnnotationError(f"annotation {i}: {exc}") from exc
            undoes_uid = r.get("undoes_uid")
            if action == "undo" and not undoes_uid:
                raise AnnotationError(f"annotation {i}: undo without undoes_uid")
            clean.append(
                {
                    "uid": uid,
                    "target_type": target_type,
                    "target_key": target_key,
                    "content_hash": str(r.get("content_hash") or target_key.split(":", 1)[0]),
                    "action": action,
                    "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
                    "analyst": analyst,
                    "created_at": created_at,
                    "undoes_uid": str(undoes_uid) if undoes_uid else None,
                }
            )
        clean.sort(key=lambda r: r["created_at"])
        added = 0
        with self._write() as con:
            for r in clean:
                if con.execute("SELECT 1 FROM annotations WHERE uid = ?", (r["uid"],)).fetchone():
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

    def _check_payload(
        self, target_type: str, target_key: str, action: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        if action not in ANNOTATION_ACTIONS:
            allowed = ", ".join(ANNOTATION_ACTIONS)
            raise AnnotationError(f"unknown action {action!r}; expected one of {allowed}")
        if not isinstance(payload, dict):
            raise AnnotationError("payload must be a dict")
        out = {k: _clean(v) for k, v in payload.items()}
        if target_type == "article" and action not in ("confirm", "note", "set_date"):
            raise AnnotationError(f"{action} does not apply to articles (set_date, note, confirm do)")
        if action == "set_date":
            if target_type != "article":
                raise AnnotationError("set_date applies to articles only; use edit_event for an event")
            return _check_article_date(out)
        if action in ("confirm", "not_a_place", "reject"):
            return {k: v for k, v in out.items() if k == "comment"}
        if action == "note":
            text = out.get("text")
            if not isinstance(text, str) or not text.strip():
                raise AnnotationError("a note needs a non-empty 'text'")
            return {"text": text.strip()}
        if action == "edit_event":
            if target_type != "event":
                raise AnnotationError("edit_event applies to events only")
            return _check_event_edit(out)
        if action == "set_point":
            try:
                lat, lon = float(out["latitude"]), float(out["longitude"])
            except (KeyError, TypeError, ValueError) as exc:
                raise AnnotationError("set_point needs numeric 'latitude' and 'longitude'") from exc
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise AnnotationError(f"point ({lat}, {lon}) is outside the world")
            name = out.get("name")
            return {
                "geonameid": None,
                "name": str(name) if name else f"{lat:.4f}, {lon:.4f}",
                "latitude": lat,
                "longitude": lon,
                "country_code": out.get("country_code"),
                "admin1_code": out.get("admin1_code"),
                "feature_code": None,
            }
        # choose_candidate / set_place
        try:
            gid = int(out["geonameid"])
        except (KeyError, TypeError, ValueError) as exc:
            raise AnnotationError(f"{action} needs an integer 'geonameid'") from exc
        if all(out.get(k) is not None for k in ("name", "latitude", "longitude", "country_code")):
            place = {k: out.get(k) for k in _PLACE_FIELDS}
            place["geonameid"] = gid
            return place
        place = self._place_from_candidates(target_type, target_key, gid) or _place_from_gazetteer(gid)
        if place is None:
            raise AnnotationError(f"unknown place geonameid {gid}")
        return place

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
                return {k: c.get(k) for k in _PLACE_FIELDS}
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
        current = None if row is None else int(row[0])
        expected = None if expected_last is None or pd.isna(expected_last) else int(expected_last)
        if current != expected:
            if row is None:
                raise ConcurrentEditError(
                    f"{target_type} {target_key}: expected annotation #{expected}, but it has none; reload"
                )
            raise ConcurrentEditError(
                f"{target_type} {target_key} was changed by {row[1]} at {row[2]} ({row[3]}, annotation "
                f"#{current}) since you loaded it; reload and try again"
            )

    def _annotation_states(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Fold the active annotations per target into the effective overrides (caller holds lock)."""
        rows = self._con.execute(
            "SELECT annotation_id, target_type, target_key, action, payload, analyst, undoes_id "
            "FROM annotations ORDER BY created_at, annotation_id"
        ).fetchall()
        active = _active_ids([(r[0], r[6]) for r in rows])
        states: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in TARGET_TYPES}
        for ann_id, target_type, key, action, payload_json, analyst, _undoes in rows:
            st = states[target_type].setdefault(key, {"status": "auto", "last_id": None, "notes": []})
            st["last_id"] = max(ann_id, st["last_id"] or 0)
            if ann_id not in active or action == "undo":
                continue
            payload = json.loads(payload_json)
            if action == "confirm":
                st["status"] = "edited" if st.get("edited") else "confirmed"
                st["rejected"] = False
            elif action in ("not_a_place", "reject"):
                st["status"] = "rejected"
                st["rejected"] = True
            elif action in _PLACE_ACTIONS:
                st["place"] = payload
                st["edited"] = True
                st["rejected"] = False
                st["status"] = "edited"
            elif action == "edit_event":
                st.setdefault("fields", {}).update(payload)
                st["edited"] = True
                st["rejected"] = False
                st["status"] = "edited"
            elif action == "set_date":
                st["date"] = payload
                st["edited"] = True
                st["status"] = "edited"
            elif action == "note":
                st["notes"].append(f"{payload.get('text', '')} ({analyst})")
        return states


# --------------------------------------------------------------------------------------------------
# helpers


def _check_analyst(analyst: Any) -> str:
    if not isinstance(analyst, str) or not analyst.strip():
        raise AnnotationError("an annotation needs the analyst's name")
    return analyst.strip()


def _check_imported_payload(action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Imported rows carry the normalised payloads :meth:`Store.annotate` wrote; check their shape so a
    hand-edited file cannot break every later read."""
    out = {k: _clean(v) for k, v in payload.items()}
    if action == "set_date":
        return _check_article_date(out)
    if action == "edit_event":
        return _check_event_edit(out)
    if action == "note" and not isinstance(out.get("text"), str):
        raise AnnotationError("a note needs a 'text'")
    if action in _PLACE_ACTIONS:
        try:
            lat, lon = float(out["latitude"]), float(out["longitude"])
        except (KeyError, TypeError, ValueError) as exc:
            raise AnnotationError(f"{action} needs numeric 'latitude' and 'longitude'") from exc
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise AnnotationError(f"point ({lat}, {lon}) is outside the world")
        place = {k: out.get(k) for k in _PLACE_FIELDS}
        place.update(latitude=lat, longitude=lon)
        if place["geonameid"] is not None:
            place["geonameid"] = int(place["geonameid"])
        return place
    return out


def _check_article_date(out: dict[str, Any]) -> dict[str, Any]:
    """``{"date": "YYYY-MM-DD" | None, "date_precision": "day"|"month"|"year"}``; None = "no date"."""
    unknown = set(out) - {"date", "date_precision"}
    if unknown or "date" not in out:
        raise AnnotationError("set_date needs {'date': 'YYYY-MM-DD' or None, 'date_precision': ...}")
    try:
        date = _iso(out["date"])
    except (TypeError, ValueError) as exc:
        raise AnnotationError(f"date must be YYYY-MM-DD, not {out['date']!r}") from exc
    precision = out.get("date_precision", "day" if date else None)
    if date is not None and precision not in ("day", "month", "year"):
        raise AnnotationError("date_precision must be day, month or year")
    if date is not None and precision == "month":
        date = date[:8] + "01"
    elif date is not None and precision == "year":
        date = date[:5] + "01-01"
    return {"date": date, "date_precision": precision if date else None}


def _check_event_edit(out: dict[str, Any]) -> dict[str, Any]:
    unknown = set(out) - set(_EVENT_EDIT_FIELDS)
    if unknown:
        raise AnnotationError(f"edit_event: unknown fields {sorted(unknown)}; allowed {_EVENT_EDIT_FIELDS}")
    if not out:
        raise AnnotationError("edit_event needs at least one field")
    clean: dict[str, Any] = {}
    if "kind" in out:
        if out["kind"] not in EVENT_KINDS:
            raise AnnotationError(f"kind must be one of {EVENT_KINDS}, not {out['kind']!r}")
        clean["kind"] = out["kind"]
    if "actor" in out:
        actor = out["actor"]
        clean["actor"] = str(actor).strip() or None if actor is not None else None
    if "event_date" in out:
        try:
            clean["event_date"] = _iso(out["event_date"])
        except (TypeError, ValueError) as exc:
            raise AnnotationError(f"event_date must be YYYY-MM-DD, not {out['event_date']!r}") from exc
    if "date_precision" in out:
        if out["date_precision"] not in ("day", "month", "year", None):
            raise AnnotationError("date_precision must be day, month or year")
        clean["date_precision"] = out["date_precision"]
    if "where_precision" in out:
        wp = out["where_precision"]
        if wp is not None and (not isinstance(wp, int | float) or int(wp) not in range(1, 8)):
            raise AnnotationError("where_precision must be an integer 1..7")
        clean["where_precision"] = None if wp is None else int(wp)
    return clean


def place_fields(place: Place) -> dict[str, Any]:
    """The place fields a ``set_place`` annotation stores, taken from a gazetteer :class:`Place`."""
    return {
        "geonameid": int(place.geonameid),
        "name": place.name,
        "latitude": float(place.latitude),
        "longitude": float(place.longitude),
        "country_code": place.country_code,
        "admin1_code": place.admin1_code or None,
        "feature_code": place.feature_code,
    }


def _place_from_gazetteer(gid: int) -> dict[str, Any] | None:
    try:
        from geo.gazetteer.lookup import get_gazetteer
    except ImportError:
        return None
    try:
        place = get_gazetteer().get(gid)
    except (KeyError, LookupError):
        return None
    if place is None:
        return None
    return place_fields(place)


def _active_ids(rows: Iterable[tuple[int, int | None]]) -> set[int]:
    """Ids with effect: an annotation is active unless an *active* undo points at it.

    Undos always come after what they undo, so walking ids downwards decides each undo before its target.
    """
    rows = sorted(rows, key=lambda r: r[0], reverse=True)
    undone_by: dict[int, list[int]] = {}
    for ann_id, undoes in rows:
        if undoes is not None:
            undone_by.setdefault(int(undoes), []).append(int(ann_id))
    active: set[int] = set()
    for ann_id, _ in rows:
        if not any(u in active for u in undone_by.get(int(ann_id), ())):
            active.add(int(ann_id))
    return active


def _apply_states(
    df: pd.DataFrame, states: dict[str, dict[str, Any]], *, place_name_col: str, clear_place_on_reject: bool
) -> None:
    """Write folded annotation states into the frame, one vectorised assignment per column."""
    if not states or df.empty:
        return
    index_of = pd.Series(np.arange(len(df)), index=df["target_key"].to_numpy())
    index_of = index_of[~index_of.index.duplicated()]
    hits = [k for k in states if k in index_of.index]
    if not hits:
        return
    columns: dict[str, tuple[list[int], list[Any]]] = {}

    def put(col: str, pos: int, value: Any) -> None:
        columns.setdefault(col, ([], []))
        columns[col][0].append(pos)
        columns[col][1].append(value)

    place_cols = {
        "geonameid": "geonameid",
        "name": place_name_col,
        "latitude": "latitude",
        "longitude": "longitude",
        "country_code": "country_code",
        "admin1_code": "admin1_code",
        "feature_code": "feature_code",
    }
    for key in hits:
        st = states[key]
        pos = int(index_of[key])
        put("status", pos, st.get("status", "auto"))
        if st.get("last_id") is not None:
            put("last_annotation_id", pos, int(st["last_id"]))
        if st.get("notes"):
            put("notes", pos, "\n".join(st["notes"]))
        place = st.get("place")
        if st.get("rejected") and (st.get("clear_place") or clear_place_on_reject):
            # A mention that is "not a place", or an event read from one, has no location.
            for src, col in place_cols.items():
                if col in df.columns and src not in ("name",):
                    put(col, pos, None)
        elif place is not None:
            for src, col in place_cols.items():
                if col in df.columns:
                    put(col, pos, place.get(src))
        for field, value in (st.get("fields") or {}).items():
            if field in df.columns:
                put(field, pos, value)
    for col, (positions, values) in columns.items():
        series = df[col]
        if isinstance(series.dtype, pd.Int64Dtype):
            new = pd.array([pd.NA if v is None else int(v) for v in values], dtype="Int64")
        elif series.dtype == float:
            new = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
        else:
            if series.dtype != object:
                df[col] = series.astype(object)
            new = values
        df.iloc[positions, df.columns.get_loc(col)] = new


def _article_date_overrides(states: dict[str, dict[str, Any]]) -> dict[str, tuple[str | None, str | None]]:
    return {
        h: (st["date"]["date"], st["date"]["date_precision"]) for h, st in states.items() if st.get("date")
    }


def _apply_article_states(
    df: pd.DataFrame,
    states: dict[str, dict[str, Any]],
    *,
    key_col: str,
    date_col: str,
    only_dates: bool = False,
) -> None:
    """Article annotations: the analyst's date replaces the automatic one (and status/notes/last id)."""
    if not states or df.empty:
        return
    dates = _article_date_overrides(states)
    for pos in np.flatnonzero(df[key_col].isin(list(states)).to_numpy()):
        h = df[key_col].iat[pos]
        st = states[h]
        if h in dates:
            date, prec = dates[h]
            df.iloc[pos, df.columns.get_loc(date_col)] = pd.NaT if date is None else pd.Timestamp(date)
            if not only_dates:
                if df["date_precision"].dtype != object:
                    df["date_precision"] = df["date_precision"].astype(object)
                df.iloc[pos, df.columns.get_loc("date_precision")] = prec
        if not only_dates:
            df.iloc[pos, df.columns.get_loc("status")] = st.get("status", "auto")
            if st.get("last_id") is not None:
                df.iloc[pos, df.columns.get_loc("last_annotation_id")] = int(st["last_id"])
            if st.get("notes"):
                df.iloc[pos, df.columns.get_loc("notes")] = "\n".join(st["notes"])


def _redate_events(
    df: pd.DataFrame, article_states: dict[str, dict[str, Any]], event_states: dict[str, dict[str, Any]]
) -> None:
    """Re-date the events of articles the analyst dated (``set_date``), unless the event's own date was
    edited: an event with a date expression ("on Thursday", "in 2014") is resolved again against the new
    article date (geo.parse.dates.resolve_relative); one without simply takes the article's date.
    ``event_date`` is still an ISO string here."""
    dates = _article_date_overrides(article_states)
    if not dates or df.empty:
        return
    positions = np.flatnonzero(df["content_hash"].isin(list(dates)).to_numpy())
    if not len(positions):
        return
    from geo.parse.dates import resolve_relative

    for col in ("event_date", "date_precision"):
        if df[col].dtype != object:
            df[col] = df[col].astype(object)
    c_date, c_prec = df.columns.get_loc("event_date"), df.columns.get_loc("date_precision")
    c_adate = df.columns.get_loc("article_date")
    for pos in positions:
        date, prec = dates[df["content_hash"].iat[pos]]
        df.iloc[pos, c_adate] = pd.NaT if date is None else pd.Timestamp(date)
        own = event_states.get(df["target_key"].iat[pos]) or {}
        if "event_date" in (own.get("fields") or {}):
            continue
        expr = df["date_expression"].iat[pos]
        if isinstance(expr, str) and expr.strip():
            base = dt.date.fromisoformat(date) if date else None
            new_date, new_prec = resolve_relative(expr, base, df["language"].iat[pos], article_precision=prec)
            if new_date is None and base is not None:
                continue  # the expression does not depend on the article date: keep what was parsed
            df.iat[pos, c_date] = new_date.isoformat() if new_date else None
            df.iat[pos, c_prec] = new_prec if new_date else None
        else:
            df.iat[pos, c_date] = date
            df.iat[pos, c_prec] = prec


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
        key = _event_local_key(ev)
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
                _iso(ev.date),
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
