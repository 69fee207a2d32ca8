"""Local copies of every browser asset the map needs, so the dashboard works with no network at all.

folium's elements carry CDN URLs in `default_js`/`default_css`; streamlit-folium collects them from the
map tree and inserts them into its iframe. Subclasses here carry local URLs instead (served by Streamlit's
static file serving from `dashboard/static/` under `/app/static/`), and `external_assets` lets tests and
the app prove that no element of a map points to another host.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import branca
import folium
import folium.plugins

from geo.paths import dashboard_dir

STATIC_DIR = dashboard_dir() / "static"
# Streamlit serves `static/` next to the entry script at this path (server.enableStaticServing).
STATIC_URL = "/app/static"

LEAFLET_JS = [("leaflet", f"{STATIC_URL}/vendor/leaflet/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", f"{STATIC_URL}/vendor/leaflet/leaflet.css")]
CLUSTER_JS = [("markerclusterjs", f"{STATIC_URL}/vendor/markercluster/leaflet.markercluster.js")]
CLUSTER_CSS = [
    ("markerclustercss", f"{STATIC_URL}/vendor/markercluster/MarkerCluster.css"),
    ("markerclusterdefaultcss", f"{STATIC_URL}/vendor/markercluster/MarkerCluster.Default.css"),
]


class OfflineMap(folium.Map):
    """A folium map that loads Leaflet and the cluster plugin from the dashboard's own static folder.

    The cluster plugin is always listed because streamlit-folium loads scripts only when its iframe is
    first mounted; layers swapped in later (other dates, filters) may need it.
    """

    default_js = LEAFLET_JS + CLUSTER_JS
    default_css = LEAFLET_CSS + CLUSTER_CSS


class OfflineMarkerCluster(folium.plugins.MarkerCluster):
    """folium's MarkerCluster pointing at the vendored leaflet.markercluster 1.5.3."""

    default_js = CLUSTER_JS
    default_css = CLUSTER_CSS


def _walk(element: branca.element.Element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def is_local(url: str) -> bool:
    """True for relative URLs and URLs on this machine; everything else would leave the machine."""
    parsed = urlparse(url)
    if not parsed.scheme and not parsed.netloc:
        return True
    return parsed.hostname in {"localhost", "127.0.0.1", "::1"}


def external_assets(m: folium.Map) -> list[str]:
    """URLs of scripts/stylesheets in the map tree that are not served locally (should be empty).

    Mirrors what streamlit-folium collects: `default_js`/`default_css` of every element, plus the d3
    scripts it injects for branca colormaps.
    """
    bad: list[str] = []
    for element in _walk(m):
        if isinstance(element, branca.colormap.ColorMap):
            bad.append("branca colormap (streamlit-folium adds d3 from a CDN)")
        for _, url in list(getattr(element, "default_js", [])) + list(getattr(element, "default_css", [])):
            if not is_local(url):
                bad.append(url)
    return bad


def static_file(url: str) -> Path:
    """The file on disk behind a `/app/static/...` URL (used by tests to check the assets exist)."""
    if not url.startswith(STATIC_URL + "/"):
        raise ValueError(f"not a dashboard static URL: {url}")
    return STATIC_DIR / url.removeprefix(STATIC_URL + "/")


def all_asset_urls() -> list[str]:
    """Every local asset URL the map may load."""
    return [u for _, u in LEAFLET_JS + CLUSTER_JS + LEAFLET_CSS + CLUSTER_CSS]
