"""Every command that opens a store, against every store fault: one line, exit 2, nothing changed.

Each case runs the real command line (``python -m geo.cli``, or `tests.reliability.inject` where a fault
must be injected into SQLite: read-only and full disk, see that module) as a subprocess, as a user would
meet it, and asserts what the user notices: exactly one line on stderr starting with "conflictmap" that
names the cause, no traceback, exit code 2, and a store whose counts (or, for a file that is refused, whose
bytes) are what they were. Faults that only stop writes (read-only, full disk) must not stop reading.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from geo.store import SCHEMA_VERSION, Store, StoreError
from tests.fixtures.annotated_store import annotated_hand_store

pytestmark = pytest.mark.requires_gazetteer

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "sample" / "seed_annotations.json"
ARTICLE = (
    "Kabul, 14 August 2021. The Taliban captured Mazar-i-Sharif on Saturday after government forces "
    "withdrew from the city. Fighting was reported near Jalalabad. "
)

COMMANDS = ("ingest", "export", "map", "annotations-export", "annotations-import")
WRITERS = ("ingest", "annotations-import")
#: fault -> the words of the one line that names it
CAUSES = {
    "locked": "locked by another process",
    "readonly": "read-only",
    "full": "disk is full",
    "damaged": "is damaged",
    "truncated": "is damaged",
    "newer": "newer than this conflictmap",
    "foreign": "not a conflictmap store",
}
REFUSED = ("damaged", "truncated", "newer", "foreign")  # not our file (any more): not a byte may change


@dataclass
class Work:
    """A store with articles and annotations, and the inputs and outputs of every command."""

    dir: Path
    db: Path
    articles: Path
    payload: Path

    def argv(self, command: str) -> list[str]:
        db = ["--db", str(self.db)]
        return {
            "ingest": ["ingest", "--quiet", *db, str(self.articles)],
            "export": ["export", "--format", "csv", "--out", str(self.dir / "events.csv"), *db],
            "map": ["map", "--date", "2021-08-13", "--out", str(self.dir / "map.html"), *db],
            "annotations-export": ["annotations", "export", "--out", str(self.dir / "ann.json"), *db],
            "annotations-import": ["annotations", "import", str(self.payload), *db],
        }[command]


def _counts(db: Path) -> tuple[int, int, int]:
    con = sqlite3.connect(db)
    try:
        return tuple(  # type: ignore[return-value]
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("articles", "events", "annotations")
        )
    finally:
        con.close()


def _files(db: Path) -> dict[str, bytes]:
    """The store file and any -wal/-shm/-journal next to it, by name."""
    return {p.name: p.read_bytes() for p in sorted(db.parent.glob(db.name + "*"))}


def _run(argv: list[str], fault: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = (
        [sys.executable, "-m", "tests.reliability.inject", fault, "--", *argv]
        if fault
        else [sys.executable, "-m", "geo.cli", *argv]
    )
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)


def _start(argv: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "geo.cli", *argv],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("template") / "store.sqlite"
    store = annotated_hand_store(db)
    store.checkpoint()
    store.close()
    return db


@pytest.fixture
def work(tmp_path: Path, template: Path) -> Work:
    db = tmp_path / "store.sqlite"
    shutil.copyfile(template, db)
    articles = tmp_path / "articles"
    articles.mkdir()
    # long enough to need new pages in the store (the "full" fault refuses any new page)
    (articles / "mazar.txt").write_text(ARTICLE * 200, encoding="utf-8")
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    rows = [dict(seed[i % len(seed)], uid=f"{i:032x}", undoes_uid=None) for i in range(400)]
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(rows), encoding="utf-8")
    return Work(tmp_path, db, articles, payload)


@pytest.fixture
def lock_holder() -> Iterator[list[sqlite3.Connection]]:
    held: list[sqlite3.Connection] = []
    yield held
    for con in held:
        con.close()


def _make_fault(fault: str, work: Work, held: list[sqlite3.Connection]) -> None:
    db = work.db
    if fault == "locked":  # another program holds the store exclusively, past the busy timeout
        con = sqlite3.connect(db, isolation_level=None)
        con.execute("PRAGMA locking_mode = EXCLUSIVE")
        con.execute("BEGIN EXCLUSIVE")
        con.execute("INSERT INTO meta (key, value) VALUES ('held', '1')")
        held.append(con)
    elif fault == "damaged":
        db.write_bytes(os.urandom(64 * 1024))
    elif fault == "truncated":  # the header page survives, the tables' pages are gone
        db.write_bytes(db.read_bytes()[:4096])
    elif fault == "newer":
        con = sqlite3.connect(db)
        con.execute("PRAGMA user_version = 99")
        con.close()
    elif fault == "foreign":  # some other application's database
        db.unlink()
        con = sqlite3.connect(db)
        con.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        con.execute("INSERT INTO contacts VALUES ('ana', '555')")
        con.commit()
        con.close()


def _assert_one_line(proc: subprocess.CompletedProcess[str], cause: str) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("conflictmap"), proc.stderr
    assert cause in lines[0], lines[0]
    assert proc.returncode == 2, (proc.returncode, proc.stderr)


@pytest.mark.parametrize("fault", list(CAUSES))
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_reports_a_store_fault_in_one_line(
    command: str, fault: str, work: Work, lock_holder: list[sqlite3.Connection]
) -> None:
    counts = _counts(work.db)
    _make_fault(fault, work, lock_holder)
    # reading the file in this process while it holds the lock would drop the lock (POSIX locks belong to
    # the process and go with any closed descriptor of the file), so bytes are read for refused files only
    before = _files(work.db) if fault in REFUSED else {}
    proc = _run(work.argv(command), fault if fault in ("readonly", "full", "locked") else None)
    if fault in ("readonly", "full") and command not in WRITERS:
        # only writing is impossible: reading the store still works and says nothing about it
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    else:
        _assert_one_line(proc, CAUSES[fault])
    if fault in REFUSED:
        assert _files(work.db) == before  # same bytes, and no -wal/-shm/-journal created
        return
    while lock_holder:  # release the lock (exclusive locking mode keeps it until closed), then count
        lock_holder.pop().close()
    assert _counts(work.db) == counts


@pytest.mark.parametrize("command", COMMANDS)
def test_commands_opening_one_new_store_at_once_all_succeed(command: str, work: Work) -> None:
    work.db.unlink()
    if command in ("export", "map"):  # they refuse a missing store, but an empty file is a new store
        work.db.touch()
    procs = [_start(work.argv(command)) for _ in range(3)]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    for proc in procs:
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    for code, err in results:
        # a map of a new, empty store says "No data at this date" and exits INCOMPLETE (1)
        assert code == (1 if command == "map" else 0) and "Traceback" not in err, err
    with Store(work.db) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert len(store.articles_df()) == (1 if command == "ingest" else 0)
        assert len(store.export_annotations()) == (400 if command == "annotations-import" else 0)


def _open_new(args: tuple[str, multiprocessing.synchronize.Barrier]) -> str:
    path, barrier = args
    barrier.wait()
    try:
        with Store(path) as store:
            return f"version {store.schema_version}"
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the test with it
        return f"{type(exc).__name__}: {exc}"


def test_sixteen_processes_opening_one_new_store_at_once(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    for trial in range(3):
        path = str(tmp_path / f"new{trial}.sqlite")
        with ctx.Manager() as manager:
            barrier = manager.Barrier(16)
            with ctx.Pool(16) as pool:
                results = pool.map(_open_new, [(path, barrier)] * 16)
        assert results == [f"version {SCHEMA_VERSION}"] * 16
        con = sqlite3.connect(path)
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        con.close()
        assert tables == {"articles", "mentions", "events", "annotations", "meta"}


def test_a_refused_foreign_file_keeps_its_bytes_and_journal_mode(tmp_path: Path) -> None:
    foreign = tmp_path / "other-app.sqlite"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.execute("INSERT INTO notes VALUES ('keep me')")
    con.commit()
    con.close()
    before = foreign.read_bytes()
    with pytest.raises(StoreError, match="not a conflictmap store") as caught:
        Store(foreign)
    assert "\n" not in str(caught.value)
    assert foreign.read_bytes() == before  # journal mode is in the header: still "delete", not WAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other-app.sqlite"]


def test_a_full_disk_is_named_and_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.errors import StoreFullError
    from tests.fixtures import hand_store as fx

    with Store(tmp_path / "s.sqlite") as store:
        pages = store._con.execute("PRAGMA page_count").fetchone()[0]
        store._con.execute(f"PRAGMA max_page_count = {pages}")
        article = fx.seed_like_article()
        article.article.text = article.article.text + " " * 200_000
        with pytest.raises(StoreFullError, match="disk is full"):
            store.ingest(article)
        assert store.articles_df().empty
        assert not store._con.in_transaction
