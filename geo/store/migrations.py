"""The SQLite store's schema as an ordered list of migrations, and the routine that applies them.

Why a module of its own: the schema history only matters when a file is opened, and it is the part of the
SQLite backend that a PostgreSQL backend replaces wholesale (its own DDL), while everything else in
`geo.store` is shared. Each migration is one function that runs inside the transaction `migrate` opens, so
a crash mid-upgrade leaves the previous version; ``PRAGMA user_version`` records how far a file got.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from geo.store.base import SchemaError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate"]


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


def migrate(con: sqlite3.Connection, path: Path) -> None:
    """Bring the open database at ``path`` up to :data:`SCHEMA_VERSION` (caller holds the store's lock).

    Raises :class:`SchemaError` for a file written by a newer conflictmap or a SQLite file that is not a
    conflictmap store; an empty file gets the whole schema.
    """
    version = int(con.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"{path} has schema version {version}, newer than this conflictmap "
            f"({SCHEMA_VERSION}); upgrade conflictmap"
        )
    if version == 0:
        tables = con.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
        if tables:
            raise SchemaError(f"{path} is a SQLite file but not a conflictmap store")
    if version == SCHEMA_VERSION:
        return
    # SQLite's recipe for schema changes: foreign keys off (a table rebuild would otherwise trip
    # them), each step in its own transaction (a crash mid-migration leaves the old version),
    # and a foreign-key check before committing.
    con.execute("PRAGMA foreign_keys = OFF")
    try:
        for target in range(version, SCHEMA_VERSION):
            con.execute("BEGIN IMMEDIATE")
            try:
                MIGRATIONS[target](con)
                bad = con.execute("PRAGMA foreign_key_check").fetchall()
                if bad:
                    raise SchemaError(f"migration {target + 1} broke foreign keys: {bad[:3]}")
                con.execute(f"PRAGMA user_version = {target + 1}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
    finally:
        con.execute("PRAGMA foreign_keys = ON")
