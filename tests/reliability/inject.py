"""Run `conflictmap` (geo.cli.main) in this process with one store fault injected, for the fault tests.

    python -m tests.reliability.inject FAULT -- conflictmap arguments...

Why a bootstrap and not a mount: the tests run as root, who ignores file modes, and mounting a small
tmpfs needs privileges CI may not have. Each fault is still produced by SQLite itself, on the store's own
code path, so the translation under test is the real one:

* ``readonly``: the store's connection is opened with SQLite's ``mode=ro`` URI, so every write fails with
  SQLITE_READONLY exactly as on a read-only file or folder.
* ``full``: ``PRAGMA max_page_count`` is pinned to the file's current size, so any write that needs a new
  page fails with SQLITE_FULL ("database or disk is full"), as on a full disk.
* ``locked``: nothing is changed but the busy timeout (1 s instead of 30 s); the lock is held by the test.
"""

from __future__ import annotations

import sqlite3
import sys
import urllib.parse
from typing import Any


def _install(fault: str) -> None:
    from geo.store import faults

    faults.BUSY_TIMEOUT_S = 1.0
    if fault not in ("readonly", "full"):
        return
    real_connect = sqlite3.connect

    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if fault == "readonly":
            kwargs["uri"] = True
            database = f"file:{urllib.parse.quote(str(database))}?mode=ro"
        con = real_connect(database, *args, **kwargs)
        if fault == "full":
            pages = int(con.execute("PRAGMA page_count").fetchone()[0])
            con.execute(f"PRAGMA max_page_count = {pages}")
        return con

    sqlite3.connect = connect  # type: ignore[assignment]


def main(argv: list[str]) -> int:
    fault, sep, rest = argv[0], argv[1], argv[2:]
    assert sep == "--", "usage: inject FAULT -- conflictmap arguments"
    _install(fault)
    from geo.cli import main as cli_main

    return cli_main(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
