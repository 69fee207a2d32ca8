"""`conflictmap map`: files a user gets, and one-line errors with exit code 2 for bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.fixtures.cli import run

pytestmark = pytest.mark.requires_gazetteer

REPO = Path(__file__).resolve().parents[2]


def test_png_map_of_a_country(db, tmp_path, capsys):
    out = tmp_path / "af.png"
    code, stdout, err = run(
        capsys,
        "map",
        "--date",
        "2021-08-13",
        "--country",
        "af",
        "--dpi",
        "60",
        "--title",
        "Test map",
        "--out",
        str(out),
        "--db",
        str(db),
    )
    assert code == 0, err
    assert "5 places that changed hands" in stdout
    img = np.asarray(Image.open(out).convert("L"), dtype=float)
    assert img.shape[1] == 600 and img.std() > 20


@pytest.mark.parametrize("suffix,magic", [("svg", b"<?xml"), ("pdf", b"%PDF"), ("html", b"<!DOCTYPE")])
def test_other_formats(db, tmp_path, capsys, suffix, magic):
    out = tmp_path / f"m.{suffix}"
    code, _, err = run(
        capsys,
        "map",
        "--date",
        "2021-08-12",
        "--bbox",
        "60,29,75,39",
        "--layers",
        "control,events,mentions",
        "--out",
        str(out),
        "--db",
        str(db),
    )
    assert code == 0, err
    assert out.read_bytes()[:64].upper().startswith(magic.upper())


def test_series_with_gif(db, tmp_path, capsys):
    out = tmp_path / "frames"
    code, stdout, err = run(
        capsys,
        "map",
        "--from",
        "2021-08-10",
        "--to",
        "2021-08-13",
        "--every",
        "day",
        "--country",
        "AF",
        "--dpi",
        "40",
        "--gif",
        "--out",
        str(out),
        "--db",
        str(db),
    )
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == [
        "control_2021-08-10_2021-08-13.gif",
        "map_2021-08-10.png",
        "map_2021-08-11.png",
        "map_2021-08-12.png",
        "map_2021-08-13.png",
    ]
    assert Image.open(out / "control_2021-08-10_2021-08-13.gif").n_frames == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2021-08-13", "--country", "ZZ"], "unknown country code"),
        (["--date", "2021-08-13", "--bbox=-200,0,10,10"], "outside the world"),
        (["--date", "2021-08-13", "--bbox", "1,2,3"], "four numbers"),
        (["--date", "2021-08-13", "--since", "2021-08-14"], "empty date range"),
        (["--from", "2021-08-13", "--to", "2021-08-01"], "empty date range"),
        (["--date", "13.08.2021"], "not a date"),
        (["--date", "2021-08-13", "--layers", "control,roads"], "unknown layer"),
    ],
)
def test_bad_input_is_one_line_exit_2(db, tmp_path, capsys, args, message):
    out = tmp_path / "x.png"
    code, stdout, err = run(capsys, "map", *args, "--out", str(out), "--db", str(db))
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output(db, tmp_path, capsys):
    code, _, err = run(
        capsys, "map", "--date", "2021-08-13", "--out", str(tmp_path / "no" / "x.png"), "--db", str(db)
    )
    assert code == 2 and "does not exist" in err
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run(
        capsys, "map", "--date", "2021-08-13", "--out", str(blocker / "x.png"), "--db", str(db)
    )
    assert code == 2 and "not a folder" in err


def test_wrong_suffix_and_missing_store(db, tmp_path, capsys):
    code, _, err = run(
        capsys, "map", "--date", "2021-08-13", "--out", str(tmp_path / "x.jpg"), "--db", str(db)
    )
    assert code == 2 and ".png" in err
    code, _, err = run(
        capsys,
        "map",
        "--date",
        "2021-08-13",
        "--out",
        str(tmp_path / "x.png"),
        "--db",
        str(tmp_path / "none.sqlite"),
    )
    assert code == 2 and "no store" in err
    assert not (tmp_path / "none.sqlite").exists()


def test_real_process_prints_no_traceback(db, tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "geo.cli",
            "map",
            "--date",
            "2021-08-13",
            "--country",
            "QQ",
            "--out",
            str(tmp_path / "x.png"),
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "conflictmap map: unknown country code 'QQ'"
