"""Issue 16, CLI: an output's suffix and its format agree, flags that do not apply are refused, and an
empty date is said on the map and in the exit code (1), not drawn as a blank map with exit 0."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from geo.cli.exitcodes import ExitCode
from tests.fixtures.cli import run

pytestmark = pytest.mark.requires_gazetteer


# ------------------------------------------------------------------------- export: suffix and format


@pytest.mark.parametrize(
    ("fmt", "name", "hint"),
    [("csv", "x.kml", "--format kml"), ("gpkg", "x.csv", "--format csv"), ("kml", "x.txt", "*.kml")],
)
def test_export_suffix_must_match_format(db, tmp_path, capsys, fmt, name, hint):
    code, _, err = run(capsys, "export", "--format", fmt, "--out", str(tmp_path / name), "--db", str(db))
    assert code == ExitCode.ERROR
    assert len(err.strip().splitlines()) == 1 and "does not match --format" in err and hint in err
    assert "internal error" not in err
    assert list(tmp_path.iterdir()) == []


def test_export_format_comes_from_the_suffix(db, tmp_path, capsys):
    out = tmp_path / "events.CSV"
    code, _, err = run(capsys, "export", "--out", str(out), "--db", str(db))
    assert code == 0, err
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and "latitude" in rows[0]
    out = tmp_path / "events.geojson"
    assert run(capsys, "export", "--out", str(out), "--db", str(db))[0] == 0
    assert json.loads(out.read_text())["type"] == "FeatureCollection"


def test_export_without_format_or_known_suffix(db, tmp_path, capsys):
    code, _, err = run(capsys, "export", "--out", str(tmp_path / "x.dat"), "--db", str(db))
    assert code == ExitCode.ERROR and ".geojson, .gpkg, .csv, .kml or .html" in err
    assert list(tmp_path.iterdir()) == []


def test_csv_formulas_is_csv_only(db, tmp_path, capsys):
    args = ("--csv-formulas", "raw", "--out", str(tmp_path / "x.kml"), "--db", str(db))
    code, _, err = run(capsys, "export", *args)
    assert code == ExitCode.ERROR and "--csv-formulas applies to CSV only" in err
    assert list(tmp_path.iterdir()) == []


def test_library_refuses_a_mismatched_path(db, tmp_path):
    import geo.export as export
    from geo.store import Store

    with Store(db) as store:
        with pytest.raises(export.ExportError, match=r"does not end in \.gpkg"):
            export.export_data(store, "gpkg", tmp_path / "x.csv")
        with pytest.raises(export.ExportError, match=r"does not end in \.png"):
            export.render_map(store, "2021-08-13", out=tmp_path / "x.svg", fmt="png")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- map: flags that apply


@pytest.mark.parametrize(
    ("flags", "flag"),
    [(["--gif"], "--gif"), (["--every", "week"], "--every"), (["--max-frames", "9"], "--max-frames")],
)
def test_series_flags_with_one_map_are_errors(db, tmp_path, capsys, flags, flag):
    out = tmp_path / "m.png"
    code, _, err = run(capsys, "map", "--date", "2021-08-13", *flags, "--out", str(out), "--db", str(db))
    assert code == ExitCode.ERROR and f"{flag} applies to a series" in err
    assert len(err.strip().splitlines()) == 1 and list(tmp_path.iterdir()) == []


def test_dpi_with_an_html_map_is_an_error(db, tmp_path, capsys):
    args = ("map", "--date", "2021-08-13", "--dpi", "300", "--out", str(tmp_path / "m.html"))
    code, _, err = run(capsys, *args, "--db", str(db))
    assert code == ExitCode.ERROR and "--dpi does not apply to an HTML map" in err
    assert list(tmp_path.iterdir()) == []


def _page_rows(path: Path) -> dict[str, int]:
    """Rows of each layer's table embedded in the standalone page (`/*cm-data:NAME*/{json}/*cm-end*/`)."""
    import re

    text = path.read_text(encoding="utf-8")
    tables = re.findall(r"/\*cm-data:(\w+)\*/(.*?)/\*cm-end\*/", text, flags=re.S)
    out = {}
    for name, blob in tables:
        table = json.loads(blob)
        out[name] = len(table["fc"]["features"]) if "fc" in table else len(table.get("rows", []))
    return out


def test_html_map_honours_layers(db, tmp_path, capsys):
    both, events = tmp_path / "both.html", tmp_path / "events.html"
    base = ("map", "--date", "2021-08-13", "--country", "AF", "--db", str(db))
    code, out_both, err = run(capsys, *base, "--layers", "control,events", "--out", str(both))
    assert code == 0, err
    code, out_events, err = run(capsys, *base, "--layers", "events", "--out", str(events))
    assert code == 0, err
    assert "control" in out_both and "control" not in out_events
    rows_both, rows_events = _page_rows(both), _page_rows(events)
    assert rows_both["control"] > 0 and rows_both["provinces"] > 0 and rows_both["mentions"] == 0
    assert rows_events["events"] == rows_both["events"] > 0
    assert rows_events["control"] == rows_events["provinces"] == rows_events["mentions"] == 0


# ---------------------------------------------------------------------------------- map: empty date


def test_empty_date_says_so_and_exits_1(db, tmp_path, capsys):
    out = tmp_path / "empty.png"
    args = ("map", "--date", "1990-01-01", "--country", "AF", "--dpi", "80", "--out", str(out))
    code, stdout, err = run(capsys, *args, "--db", str(db))
    assert code == ExitCode.INCOMPLETE, err
    assert "no data at 1990-01-01" in err and "0 events" in stdout
    # the note is drawn: a white box with dark text in the middle of the map (sea and land elsewhere)
    img = np.asarray(Image.open(out).convert("RGB")).astype(int)
    h, w, _ = img.shape
    map_cx = int(w * (0.01 + 0.74 / 2))
    middle = img[h // 2 - 8 : h // 2 + 8, map_cx - 60 : map_cx + 60]
    assert (middle.min(axis=2) > 245).mean() > 0.3  # the note's white box
    assert (middle.max(axis=2) < 90).sum() > 40  # its letters


def test_a_map_with_data_exits_0(db, tmp_path, capsys):
    args = ("map", "--date", "2021-08-13", "--country", "AF", "--dpi", "40")
    code, _, err = run(capsys, *args, "--out", str(tmp_path / "m.png"), "--db", str(db))
    assert code == 0 and err == ""


def test_empty_html_map_says_so_and_exits_1(db, tmp_path, capsys):
    out = tmp_path / "empty.html"
    code, _, err = run(capsys, "map", "--date", "1990-01-01", "--out", str(out), "--db", str(db))
    assert code == ExitCode.INCOMPLETE and "no data at 1990-01-01" in err
    assert "No data at this date" in out.read_text(encoding="utf-8")
