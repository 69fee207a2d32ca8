"""The dashboard's Leaflet map as one HTML file that works offline: the HTML export.

Why here and not in `geo.export`: the page *is* the dashboard's map (same tables, symbols, legend and
colours), only with every overlay added and the vendored Leaflet and markercluster files inlined instead of
served by Streamlit. So there is one renderer; the export only chooses what goes in.

Guarantees, checked on every page built:
- nothing is loaded from another host or from the dashboard's server: scripts and stylesheets are inline,
  the images the CSS needs are data: URIs (`external_urls` and `server_urls` find any that are not);
- every text is escaped (the tables are; the title, notes and attribution are escaped here).
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence

import branca.element

from geo.errors import ConflictmapError, DataMissingError
from geo.paths import vendor_dir
from geo.render.leaflet.builder import BuiltMap, StaticScript, figure_of
from geo.render.leaflet.tables import js_json
from geo.render.offline import CLUSTER_CSS, CLUSTER_JS, LEAFLET_CSS, LEAFLET_JS, STATIC_URL

__all__ = ["NotOfflineError", "standalone_page", "external_urls", "server_urls"]

_VENDOR_URL = f"{STATIC_URL}/vendor/"


class NotOfflineError(ConflictmapError, RuntimeError):
    """The page would load something from elsewhere (a folium upgrade added a CDN asset, say)."""


def _vendored(url: str) -> str:
    """The text of a vendored asset the dashboard serves at `url`, read from `geo.paths.vendor_dir()`."""
    if not url.startswith(_VENDOR_URL):
        raise NotOfflineError(f"not a vendored asset: {url}")
    path = vendor_dir() / url.removeprefix(_VENDOR_URL)
    if not path.is_file():
        raise DataMissingError(f"{path} is missing (the HTML export inlines the vendored Leaflet files)")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".css":

        def data_uri(match: re.Match[str]) -> str:
            image = path.parent / match.group(1)
            if not image.is_file():
                return match.group(0)
            return f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode()})"

        text = re.sub(r"url\(([\w./-]+\.png)\)", data_uri, text)
    return text


def _inline_assets(page: str) -> str:
    """Replace the `<script src>` and `<link href>` of the vendored files by their contents."""
    for _, url in LEAFLET_JS + CLUSTER_JS:
        tag = f'<script src="{url}"></script>'
        js = _vendored(url).replace("</script", "<\\/script")
        page = page.replace(tag, f"<script>{js}</script>")
    for _, url in LEAFLET_CSS + CLUSTER_CSS:
        tag = f'<link rel="stylesheet" href="{url}"/>'
        page = page.replace(tag, f"<style>{_vendored(url)}</style>")
    return page


CAPTION_CSS = """
<style>
.cm-caption{background:#fff;padding:5px 9px;font:12px/1.35 sans-serif;border-radius:4px;
  box-shadow:0 0 4px rgba(0,0,0,.35);max-width:360px}
.cm-caption b{font-size:13px}
.cm-caption .cm-note{color:#555}
.cm-caption .cm-attr{color:#666;font-size:10px;margin-top:2px}
</style>
"""


def caption_js(title: str, notes: Sequence[str], attribution: str) -> str:
    """A Leaflet control at the top left with the page's title, notes and data attribution (escaped)."""
    body = f"<b>{html.escape(title)}</b>"
    body += "".join(f'<div class="cm-note">{html.escape(n)}</div>' for n in notes)
    if attribution:
        body += f'<div class="cm-attr">{html.escape(attribution)}</div>'
    return (
        "var caption = L.control({position: 'topleft'});\n"
        "caption.onAdd = function() { var d = L.DomUtil.create('div', 'cm-caption'); d.innerHTML = "
        + js_json(body)
        + "; L.DomEvent.disableClickPropagation(d); return d; };\n"
        "caption.addTo(map);"
    )


def standalone_page(built: BuiltMap, *, title: str, notes: Sequence[str] = (), attribution: str = "") -> str:
    """`built` (every overlay added) as one self-contained HTML page; NotOfflineError if it is not."""
    m = built.standalone()
    root = figure_of(m)
    root.header.add_child(branca.element.Element(f"<title>{html.escape(title)}</title>"), name="cm_title")
    root.header.add_child(branca.element.Element(CAPTION_CSS), name="cm_caption_css")
    m.add_child(StaticScript(caption_js(title, notes, attribution)), name="cm_caption")
    page = _inline_assets(root.render())
    remote = external_urls(page) + server_urls(page)
    if remote:
        raise NotOfflineError(f"the HTML page would load {', '.join(remote[:3])}; it must work offline")
    return page


def _loaded_urls(page: str) -> list[str]:
    found = re.findall(r"<script[^>]+src=[\"']([^\"']+)", page)
    found += re.findall(r"<link[^>]+href=[\"']([^\"']+)", page)
    found += re.findall(r"url\([\"']?([^)\"']+)", page)
    found += re.findall(r"@import\s+[\"']?([^\"';\s]+)", page)
    return found


def external_urls(page: str) -> list[str]:
    """URLs that the page would *load* (script src, stylesheet href, CSS url(), @import) from another host.

    Plain hyperlinks (Leaflet's attribution link) load nothing and are not counted.
    """
    return [
        u
        for u in _loaded_urls(page)
        if re.match(r"(https?:)?//", u) and not re.match(r"(https?:)?//(localhost|127\.0\.0\.1)([:/]|$)", u)
    ]


def server_urls(page: str) -> list[str]:
    """URLs the page would load from the dashboard's server (`/app/static/...`): a saved page opened from
    disk has no server, so these must have been inlined."""
    return [u for u in _loaded_urls(page) if u.startswith("/")]
