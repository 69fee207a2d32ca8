"""The one palette: who holds a place (actor colours), places without a holder, land and sea.

Why one module: the dashboard's Leaflet map, the static maps, the HTML export and a map series must give
an actor the same colour, or an analyst comparing a PNG with the dashboard reads two different stories.
There used to be a second, unused Leaflet palette; every renderer now asks this module. Event kinds have
their own colours and symbols in `geo.kinds`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

__all__ = [
    "CONTROLLER_COLOURS",
    "NO_HOLDER",
    "VACATED",
    "UNKNOWN",
    "NO_CONTROLLER",
    "LAND",
    "NEIGHBOUR",
    "SEA",
    "CHANGE_HALO",
    "controller_palette",
    "store_palette",
]

# Actor colours: a qualitative palette without greys (grey means "no known holder"), given out in order.
CONTROLLER_COLOURS = (
    "#d62728",
    "#1f77b4",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#393b79",
)
NO_HOLDER = "#7f7f7f"  # a place or event whose actor is not known, or a place abandoned by its holder
VACATED = NO_HOLDER
UNKNOWN = NO_HOLDER
NO_CONTROLLER = "#e8e6e1"  # a province whose capital nobody is known to hold (drawn unshaded)
LAND = "#f4f2ec"  # the countries of the basemap (the focus country on a static map)
NEIGHBOUR = "#ebe9e4"  # the other countries around a static map's focus country
SEA = "#dbe7f0"
CHANGE_HALO = "#ffd21f"  # places that changed hands since the previous frame or step


def controller_palette(controllers: Iterable[Any], base: dict[str, str] | None = None) -> dict[str, str]:
    """Give each actor a colour: the most frequent first, ties by name, so colours are stable.

    `base` keeps colours already assigned (a map series passes the palette of its last frame so an actor
    keeps its colour in every frame). With more actors than colours the colours repeat, deterministically.
    """
    palette = dict(base or {})
    counts = pd.Series([c for c in controllers if isinstance(c, str) and c]).value_counts()
    order = sorted(counts.index, key=lambda a: (-int(counts[a]), a))
    used = set(palette.values())
    free = [c for c in CONTROLLER_COLOURS if c not in used]
    for actor in order:
        if actor in palette:
            continue
        if not free:
            free = list(CONTROLLER_COLOURS)
        palette[actor] = free.pop(0)
    return palette


def store_palette(store: Any) -> dict[str, str]:
    """Colours for every actor in the store's events: the same for every date, filter and frame, so an
    actor keeps its colour across the dashboard, static maps, a series and the HTML export."""
    events = store.events_df()
    return controller_palette(events["actor"].tolist() if len(events) else [])
