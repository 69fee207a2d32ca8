"""conflictmap's domain package: gazetteer, geocoder, geoparser, store, map layers and exports.

Data flows one way: articles -> mentions -> places -> events -> store -> layers -> map/export, and the
sub-packages follow it (`gazetteer`, `parse`, `store`, `maps`, `render`, `export`, with `cli` on top).
ARCHITECTURE.md at the repository root is the map.

The names below are the thin public API (as geopandas keeps its own): they are imported on first use, so
`import geo` stays cheap and pulls in neither pandas nor the gazetteer.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "GazetteerGeocoder": "geo.gazetteer.geocoder",
    "get_gazetteer": "geo.gazetteer.lookup",
    "parse_article": "geo.parse.pipeline",
    "parsed_to_json": "geo.parse.pipeline",
    "article_from_text": "geo.parse.articles",
    "read_paths": "geo.parse.articles",
    "open_store": "geo.store",
    "StoreBackend": "geo.store",
    "ConflictmapError": "geo.errors",
}

__all__ = ["__version__", *_LAZY]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    # `X as X` marks a re-export: linters cannot read `__all__` built from `_LAZY`.
    from geo.errors import ConflictmapError as ConflictmapError
    from geo.gazetteer.geocoder import GazetteerGeocoder as GazetteerGeocoder
    from geo.gazetteer.lookup import get_gazetteer as get_gazetteer
    from geo.parse.articles import article_from_text as article_from_text
    from geo.parse.articles import read_paths as read_paths
    from geo.parse.pipeline import parse_article as parse_article
    from geo.parse.pipeline import parsed_to_json as parsed_to_json
    from geo.store import StoreBackend as StoreBackend
    from geo.store import open_store as open_store


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'geo' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
