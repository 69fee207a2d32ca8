"""`conflictmap export`: each format read back, and one-line errors with exit code 2 for bad input."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from geo.cli import main  # noqa: E402
from tests.fixtures.cli import run

pytestmark = pytest.mark.requires_gazetteer


def test_geojson_and_csv_hold_the_annotated_events(db, tmp_path, capsys):
    code, stdout, err = run(
        capsys, "export", "--format", "geojson", "--out", str(tmp_path / "e.geojson"), "--db", str(db)
    )
    assert code == 0, err
    assert "7 events" in stdout
    gj = gpd.read_file(tmp_path / "e.geojson")
    assert "besieged" not in set(gj["kind"])  # rejected by the analyst
    assert "Ghazni city" in set(gj["place"])  # moved by the analyst
    code, _, err = run(capsys, "export", "--format", "csv", "--out", str(tmp_path / "e.csv"), "--db", str(db))
    assert code == 0, err
    csv = pd.read_csv(tmp_path / "e.csv")
    assert sorted(csv["event_id"]) == sorted(gj["event_id"])
    assert {
        "event_date",
        "date_precision",
        "where_precision",
        "actor",
        "latitude",
        "longitude",
        "geonameid",
        "country_code",
        "source",
        "notes",
    } <= set(csv.columns)


def test_gpkg_layers_and_date(db, tmp_path, capsys):
    out = tmp_path / "x.gpkg"
    code, _, err = run(
        capsys, "export", "--format", "gpkg", "--out", str(out), "--date", "2021-08-12", "--db", str(db)
    )
    assert code == 0, err
    assert {"events", "mentions", "control"} <= {n for n, _ in pyogrio.list_layers(out)}
    control = gpd.read_file(out, layer="control")
    assert set(control["place"]) == {"Herat", "Qala i Naw", "Ghazni city"}


def test_kml_and_html(db, tmp_path, capsys):
    code, _, err = run(
        capsys,
        "export",
        "--format",
        "kml",
        "--out",
        str(tmp_path / "x.kml"),
        "--country",
        "AF",
        "--db",
        str(db),
    )
    assert code == 0, err
    ns = "{http://www.opengis.net/kml/2.2}"
    placemarks = ET.parse(tmp_path / "x.kml").getroot().iter(f"{ns}Placemark")
    assert sum(1 for _ in placemarks) == 7 + 5
    code, _, err = run(
        capsys, "export", "--format", "html", "--out", str(tmp_path / "x.html"), "--db", str(db)
    )
    assert code == 0, err
    assert "<script src=" not in (tmp_path / "x.html").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "--country", "XY"], "unknown country code"),
        (["--format", "csv", "--bbox", "0,95,10,99"], "outside the world"),
        (["--format", "csv", "--date", "2021-08-01", "--since", "2021-08-05"], "empty date range"),
        (["--format", "csv", "--date", "yesterday"], "not a date"),
    ],
)
def test_bad_input_is_one_line_exit_2(db, tmp_path, capsys, args, message):
    code, _, err = run(capsys, "export", *args, "--out", str(tmp_path / "x.csv"), "--db", str(db))
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_is_a_usage_error(db, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["export", "--format", "shp", "--out", str(tmp_path / "x.shp"), "--db", str(db)])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_unwritable_output(db, tmp_path, capsys):
    code, _, err = run(
        capsys, "export", "--format", "gpkg", "--out", str(tmp_path / "a" / "b.gpkg"), "--db", str(db)
    )
    assert code == 2 and "does not exist" in err
    code, _, err = run(capsys, "export", "--format", "gpkg", "--out", str(tmp_path), "--db", str(db))
    assert code == 2 and "is a folder" in err
