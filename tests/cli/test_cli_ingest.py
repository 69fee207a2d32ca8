"""`conflictmap ingest` end to end, in subprocesses, on real files and a real SQLite store: bad inputs are
reported with reasons, good ones stored once, and SIGKILL never leaves a partial or duplicate article."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.requires_gazetteer

REPO = Path(__file__).resolve().parents[2]

GERMAN = (
    " date 2021-08-13\n"
    "Kabul, 13. August 2021 (dpa) - Die Taliban haben die Stadt Herat eingenommen. "
    "Nach schweren Kämpfen übernahmen die Islamisten am Donnerstag die Kontrolle über Gasni. "
    "Die Bundesregierung äußerte sich besorgt über die Lage in Afghanistan.\n"
)
HTML = """<!doctype html><html><head><title>Herat falls</title>
<script>document.write("Mosul captured by ISIL in Baghdad"); var x = "Kandahar";</script></head>
<body><article><h1>Herat falls to the Taliban</h1>
<p>KABUL, August 12, 2021 (AP) - The Taliban captured Herat, the third-largest city of Afghanistan,
on Thursday after weeks of fighting, officials said.</p>
<p>Ghazni also fell to the insurgents on Thursday, cutting the highway between Kabul and Kandahar.</p>
</article></body></html>"""


def _cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geo.cli", "ingest", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _counts(db: Path) -> tuple[int, int, int]:
    con = sqlite3.connect(db)
    try:
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "mentions", "events")
        )  # type: ignore[return-value]
    finally:
        con.close()


def test_bad_files_are_reported_good_ones_stored_once(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (inbox / "huge.txt").write_bytes(b"The Taliban captured Herat. " * (20 * 1024 * 1024 // 28 + 1))
    (inbox / "sub" / "german_cp1252.txt").write_bytes(GERMAN.encode("cp1252"))
    (inbox / "broken.json").write_text('{"text": "Herat fell", "date": ', encoding="utf-8")
    (inbox / "page.html").write_text(HTML, encoding="utf-8")
    db = tmp_path / "store.sqlite"

    first = _cli(str(inbox), "--db", str(db), "--format", "json", "--quiet")
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert (summary["new"], summary["unchanged"]) == (2, 0)
    rejected = {Path(r["source"]).name: r["reason"] for r in summary["rejected"]}
    assert set(rejected) == {"empty.txt", "photo.png", "huge.txt", "broken.json"}
    assert all(reason.strip() for reason in rejected.values())
    assert summary["mentions"] > 0 and summary["events"] > 0

    con = sqlite3.connect(db)
    texts = dict(con.execute("SELECT source, text FROM articles").fetchall())
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    german = next(t for s, t in texts.items() if s.endswith("german_cp1252.txt"))
    assert "übernahmen" in german and "Kämpfen" in german  # decoded, not mojibake
    page = next(t for s, t in texts.items() if s.endswith("page.html"))
    assert "Herat" in page and "document.write" not in page and "Mosul" not in page
    counts = _counts(db)

    again = _cli(str(inbox), "--db", str(db), "--quiet")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("0 new, 2 unchanged, 4 rejected")
    for name in rejected:
        assert f"{name}: " in again.stdout  # one line with a reason per rejected file
    assert _counts(db) == counts


def test_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    nothing = _cli(
        str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt"), "--db", str(tmp_path / "s.sqlite")
    )
    assert nothing.returncode == 1
    assert "no such file" in nothing.stdout and "nothing could be read" in nothing.stderr
    bad_db = tmp_path / "not_a_db.sqlite"
    bad_db.write_bytes(b"definitely not sqlite" * 50)
    broken = _cli(str(tmp_path), "--db", str(bad_db))
    assert broken.returncode == 2
    assert len(broken.stderr.strip().splitlines()) == 1 and "Traceback" not in broken.stderr


@pytest.mark.slow
def test_sigkill_midway_then_rerun_leaves_no_partial_or_duplicate(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(1000):
        (corpus / f"{i:04d}.txt").write_text(
            f" date 2021-08-{1 + i % 28:02d}\n"
            f"The Taliban captured Herat on Thursday, officials in Kabul said. Report number {i}.\n",
            encoding="utf-8",
        )
    db = tmp_path / "kill.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-m", "geo.cli", "ingest", str(corpus), "--db", str(db), "--quiet"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            if db.exists():
                try:
                    stored = _counts(db)[0]
                except sqlite3.OperationalError:  # schema not created yet
                    continue
                if stored >= 300:
                    break
        assert proc.poll() is None, "ingest finished before it could be killed"
        workers = psutil.Process(proc.pid).children(recursive=True)  # parser processes (--jobs auto)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        _, alive = psutil.wait_procs(workers, timeout=15)
        assert not alive, f"processes left behind by the killed ingest: {alive}"
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert 300 <= _counts(db)[0] < 1000

    # the first run used parser worker processes (--jobs auto); the re-run parses in-process
    rerun = _cli(str(corpus), "--db", str(db), "--format", "json", "--quiet", "--jobs", "1")
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    assert summary["new"] + summary["unchanged"] == 1000 and summary["rejected"] == []
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*), count(DISTINCT content_hash) FROM articles").fetchone() == (
            1000,
            1000,
        )
        # Every article has exactly the rows its (identical-template) text yields: none is partial.
        shapes = con.execute(
            "SELECT (SELECT count(*) FROM mentions m WHERE m.article_id = a.article_id),"
            " (SELECT count(*) FROM events e WHERE e.article_id = a.article_id) FROM articles a"
        ).fetchall()
    finally:
        con.close()
    assert len(set(shapes)) == 1 and shapes[0][0] > 0


def test_progress_summary_and_reparse_keeping_annotations(tmp_path: Path) -> None:
    from geo.store import Store

    src = tmp_path / "a.txt"
    src.write_text(" date 2021-08-13\nKABUL (AP) - The Taliban captured Herat on Thursday.", encoding="utf-8")
    db = tmp_path / "r.sqlite"
    first = _cli(str(src), "--db", str(db))
    assert first.returncode == 0
    assert "file" in first.stderr and "1/1" in first.stderr  # the progress bar, on stderr
    assert first.stdout.startswith("1 new, 0 unchanged, 0 rejected")
    with Store(db) as store:
        herat = store.mentions_df().query("text == 'Herat'").iloc[0]
        store.annotate("mention", herat["target_key"], "note", {"text": "verified"}, analyst="ana")
    # --reparse, through the same engine in-process (the gazetteer stays loaded between tests)
    from geo.cli.ingest import format_summary, ingest_paths

    with Store(db) as store:
        summary = ingest_paths(store, [str(src)], reparse=True, progress=False)
    assert "1 re-parsed" in format_summary(summary)
    with Store(db) as store:
        assert len(store.articles_df()) == 1
        assert "verified (ana)" in store.mentions_df().query("text == 'Herat'").iloc[0]["notes"]
