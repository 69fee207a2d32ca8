"""The event kinds conflictmap knows, with everything a renderer needs to show one, in one table.

Why a registry: a kind used to be spread over five files (the model's list, the static map's marker
table, the Leaflet map's SVG symbols, the KML styles, the dashboard's legend) that could disagree. Now a
new kind is one `EventKind` entry below; `geo.model.EVENT_KINDS`, the static map (`marker`, `colour`), the
Leaflet map used by the dashboard and the HTML export (`symbol`), the KML styles (`colour`) and the
dashboard's filters all read it. The parser decides *when* a sentence is of a kind; that stays in
`geo.parse.events`.

This module imports nothing from `geo` so that `geo.model` can derive its list from it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EventKind", "KINDS", "KIND_NAMES", "FALLBACK", "get", "name_or_fallback"]


@dataclass(frozen=True, slots=True)
class EventKind:
    """One kind of event and how every renderer draws it.

    - `name`: the value in the extract JSON, the store and every export (stable, never renamed).
    - `label`: the legend text of static maps and the Leaflet map.
    - `description`: what the kind means, for tooltips and documentation.
    - `marker`: the matplotlib marker of the static map; shapes differ so a greyscale print stays legible.
    - `colour`: the static map's marker colour and the KML icon colour (#rrggbb).
    - `symbol`: the Leaflet icon, inline SVG on a 14x14 view box drawn in white on the actor's colour
      (no icon font, no CDN).
    """

    name: str
    label: str
    description: str
    marker: str
    colour: str
    symbol: str


KINDS: tuple[EventKind, ...] = (
    EventKind(
        "captured",
        "captured",
        "the place came under the actor's control",
        "^",
        "#b2182b",
        '<path d="M4 1.5v11M4 2h7l-1.8 2.5L11 7H4" fill="#fff" stroke="#fff" stroke-width="1.6"/>',
    ),
    EventKind(
        "attacked",
        "attacked",
        "the actor attacked or shelled the place; control did not change",
        "X",
        "#e66101",
        '<path d="M7 1l1.4 3.6L12 3l-1.6 3.6L14 8l-3.6 1.2L12 13l-3.6-1.8L7 14l-1.4-2.8L2 13l1.6-3.8'
        'L0 8l3.6-1.4L2 3l3.6 1.6z" fill="#fff"/>',
    ),
    EventKind(
        "besieged",
        "besieged",
        "the actor surrounded or besieged the place",
        "o",
        "#5e3c99",
        '<circle cx="7" cy="7" r="4.5" fill="none" stroke="#fff" stroke-width="2"/>'
        '<circle cx="7" cy="7" r="1.3" fill="#fff"/>',
    ),
    EventKind(
        "withdrew",
        "withdrew",
        "the actor left the place (it may be vacated)",
        "v",
        "#2166ac",
        '<path d="M12 7H3m3.5-4L2.5 7l4 4" fill="none" stroke="#fff" stroke-width="2"/>',
    ),
    EventKind(
        "ceasefire",
        "ceasefire",
        "a ceasefire or truce at the place",
        "D",
        "#1b7837",
        '<path d="M2.5 5h9M2.5 9h9" stroke="#fff" stroke-width="2"/>',
    ),
    EventKind(
        "other",
        "other event",
        "a conflict event of no more specific kind",
        "s",
        "#666666",
        '<circle cx="7" cy="7" r="2.5" fill="#fff"/>',
    ),
)

KIND_NAMES: tuple[str, ...] = tuple(k.name for k in KINDS)
FALLBACK = "other"  # what an unknown or missing kind is drawn as
_BY_NAME = {k.name: k for k in KINDS}


def get(name: str | None) -> EventKind:
    """The kind called `name`; an unknown or missing name is the fallback kind ("other")."""
    return _BY_NAME.get(name or FALLBACK, _BY_NAME[FALLBACK])


def name_or_fallback(name: object) -> str:
    """`name` if it is a known kind, else "other" (how renderers treat a kind they do not know)."""
    return name if isinstance(name, str) and name in _BY_NAME else FALLBACK
