"""The format registry: every format's suffix, MIME type and layers, and the CLI and the dashboard offering
exactly the registered formats."""

from __future__ import annotations

import mimetypes
import subprocess
import sys
from pathlib import Path

import pytest

from geo.export import formats
from geo.export.errors import ExportError

pytestmark = pytest.mark.requires_gazetteer

REPO = Path(__file__).resolve().parents[2]


def test_every_format_declares_suffix_mime_layers_and_a_writer() -> None:
    expected = {
        "geojson": (".geojson", "application/geo+json", ("events",)),
        "gpkg": (".gpkg", "application/geopackage+sqlite3", ("events", "mentions", "control")),
        "csv": (".csv", "text/csv", ("events",)),
        "kml": (".kml", "application/vnd.google-earth.kml+xml", ("events", "control")),
        "html": (".html", "text/html", ("events", "mentions", "control")),
        "png": (".png", "image/png", formats.LAYERS),
        "svg": (".svg", "image/svg+xml", formats.LAYERS),
        "pdf": (".pdf", "application/pdf", formats.LAYERS),
    }
    assert {n: (f.suffix, f.mime, f.layers) for n, f in formats.FORMATS.items()} == expected
    for fmt in formats.FORMATS.values():
        module, _, function = fmt.writer.partition(":")
        assert callable(getattr(__import__(module, fromlist=[function]), function)), fmt.name
        assert set(fmt.layers) <= set(formats.LAYERS) and fmt.label
        if fmt.name in ("png", "svg", "pdf", "html", "csv"):
            assert mimetypes.guess_type(f"x{fmt.suffix}")[0] == fmt.mime


def test_lookup_by_name_is_case_insensitive_and_rejects_unknown_names() -> None:
    assert formats.get("GPKG").name == "gpkg" and formats.get(".png", "map").name == "png"
    with pytest.raises(ExportError, match="use one of png, svg, pdf"):
        formats.get("html", "map")
    with pytest.raises(ExportError, match="use one of geojson, gpkg, csv, kml, html"):
        formats.get("shp", "data")


def test_cli_offers_the_registered_formats() -> None:
    from geo.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    export = sub.choices["export"]
    fmt = next(a for a in export._actions if a.dest == "format")
    assert tuple(fmt.choices) == formats.names("data")
    assert formats.map_command_formats() == ("png", "svg", "pdf", "html")


def test_listing_formats_imports_no_drawing_or_gis_library() -> None:
    """The CLI builds its parser from the registry for every command (geocode included)."""
    code = (
        "import sys, geo.cli; geo.cli.build_parser(); import geo.export; geo.export.DATA_FORMATS; "
        "print(','.join(m for m in ('matplotlib', 'geopandas', 'folium') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == ""


def test_dashboard_download_menus_offer_the_same_formats_as_the_cli(tmp_path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    from geo.store import Store

    db = tmp_path / "empty.sqlite"
    Store(db).close()
    monkeypatch.setenv("CONFLICTMAP_DB", str(db))
    at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert tuple(at.selectbox(key="dl_data_fmt").options) == formats.names("data")
    assert tuple(at.selectbox(key="dl_map_fmt").options) == formats.names("map")
