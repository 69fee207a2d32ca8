"""The SQLite store's schema as an ordered list of migrations, and the routine that applies them.

Why a module of its own: the schema history only matters when a file is opened, and it is the part of the
SQLite backend that a PostgreSQL backend replaces wholesale (its own DDL), while everything else in
`geo.store` is shared. Each migration is one function that runs inside the transaction `migrate` opens, so
a crash mid-upgrade leaves the previous version; ``PRAGMA user_version`` records how far a file got.

Several processes may open the same new file at once (an ingest and a dashboard, two ingests): the version
is read again *after* ``BEGIN IMMEDIATE`` has taken the write lock, so only one of them creates each table
and the others find the work done. `check_ours` reads the file and changes nothing, so the store can refuse
a foreign or newer file before it sets any persistent PRAGMA (journal mode) on it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from geo.errors import ForeignFileError, NewerSchemaError, SchemaError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "check_ours", "migrate"]


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


def check_ours(con: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, after checking that it is a store this conflictmap may use.

    Only reads: raises :class:`NewerSchemaError` for a file written by a newer conflictmap and
    :class:`ForeignFileError` for a SQLite file of another application (tables but no version); an empty
    (new) file is version 0.
    """
    # one statement, so one snapshot: as two, another process could commit migration 1 in between and a
    # new store would look like "version 0 with tables", i.e. a foreign file
    version, tables = con.execute(
        "SELECT (SELECT user_version FROM pragma_user_version), "
        "(SELECT count(*) FROM sqlite_master WHERE type = 'table')"
    ).fetchone()
    version = int(version)
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{path} has schema version {version}, newer than this conflictmap "
            f"({SCHEMA_VERSION}); upgrade conflictmap"
        )
    if version == 0 and tables:
        raise ForeignFileError(f"{path} is a SQLite file but not a conflictmap store; it was left as it is")
    return version


def migrate(con: sqlite3.Connection, path: Path) -> None:
    """Bring the open database at ``path`` up to :data:`SCHEMA_VERSION` (caller holds the store's lock).

    Raises :class:`SchemaError` (a subclass naming the cause) for a file written by a newer conflictmap or
    a SQLite file that is not a conflictmap store; an empty file gets the whole schema. Safe when several
    processes open the same new file at once: each step re-reads the version under the write lock.
    """
    if check_ours(con, path) == SCHEMA_VERSION:
        return  # up to date: versions only grow, so no lock is needed to know that (read-only stores too)
    # SQLite's recipe for schema changes: foreign keys off (a table rebuild would otherwise trip
    # them; the PRAGMA is a no-op inside a transaction, so it is set first), each step in its own
    # transaction (a crash mid-migration leaves the old version), and a foreign-key check before committing.
    con.execute("PRAGMA foreign_keys = OFF")
    try:
        while True:
            con.execute("BEGIN IMMEDIATE")
            try:
                # re-read under the write lock: another process may have migrated since the check above
                version = check_ours(con, path)
                if version == SCHEMA_VERSION:
                    con.execute("COMMIT")
                    return
                MIGRATIONS[version](con)
                bad = con.execute("PRAGMA foreign_key_check").fetchall()
                if bad:
                    raise SchemaError(f"migration {version + 1} broke foreign keys: {bad[:3]}")
                con.execute(f"PRAGMA user_version = {version + 1}")
                con.execute("COMMIT")
            except BaseException:
                rollback(con)
                raise
    finally:
        con.execute("PRAGMA foreign_keys = ON")


def rollback(con: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already done so.

    After some errors (a full disk, an I/O error) SQLite rolls the transaction back itself, and a second
    ROLLBACK would raise "cannot rollback - no transaction is active", hiding the real cause.
    """
    if con.in_transaction:
        try:
            con.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the original error is what the user must see; SQLite has rolled back on its own
