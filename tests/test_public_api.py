"""The thin public API in `geo/__init__.py`: every advertised name resolves, and importing `geo` is cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest

import geo

pytestmark = pytest.mark.requires_gazetteer


@pytest.mark.parametrize("name", [n for n in geo.__all__ if n != "__version__"])
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(geo, name) is not None


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError):
        geo.no_such_thing  # noqa: B018


def test_import_geo_pulls_in_nothing_heavy() -> None:
    code = "import sys, geo; print(','.join(m for m in ('pandas', 'numpy', 'streamlit') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_the_geocoder_works_from_the_top_level() -> None:
    location = geo.GazetteerGeocoder().geocode("Masar-i-Scharif")
    assert location is not None and location.raw["country_code"] == "AF"
