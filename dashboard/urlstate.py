"""The view (date and filters) as URL query parameters, so an analyst can share exactly what they see.

`?date=2021-08-13&country=AF&actor=Taliban&kind=captured,attacked&minconf=0.5&lang=en&article=12`

Reading is forgiving (a bad value is ignored, never an error page); writing only puts non-default values
in the URL so links stay short.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field

LIST_SEP = ","


@dataclass(slots=True)
class ViewState:
    """What the map shows; `None`/empty means "no restriction"."""

    date: dt.date | None = None
    countries: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    min_confidence: float = 0.0
    article_id: int | None = None
    osm: bool = False


def _list(value: str | None) -> list[str]:
    if not value:
        return []
    return [v.strip() for v in value.split(LIST_SEP) if v.strip()]


def parse(params: Mapping[str, str]) -> ViewState:
    """A ViewState from query parameters; unknown or malformed values are dropped."""
    state = ViewState()
    raw_date = params.get("date")
    if raw_date:
        try:
            state.date = dt.date.fromisoformat(str(raw_date)[:10])
        except ValueError:
            state.date = None
    state.countries = [c.upper() for c in _list(params.get("country"))]
    state.actors = _list(params.get("actor"))
    state.kinds = _list(params.get("kind"))
    state.languages = _list(params.get("lang"))
    try:
        state.min_confidence = min(1.0, max(0.0, float(params.get("minconf", 0) or 0)))
    except ValueError:
        state.min_confidence = 0.0
    try:
        state.article_id = int(params["article"]) if params.get("article") else None
    except ValueError:
        state.article_id = None
    state.osm = str(params.get("osm", "")).lower() in ("1", "true", "yes")
    return state


def to_params(state: ViewState) -> dict[str, str]:
    """Non-default fields as query parameters."""
    out: dict[str, str] = {}
    if state.date is not None:
        out["date"] = state.date.isoformat()
    if state.countries:
        out["country"] = LIST_SEP.join(state.countries)
    if state.actors:
        out["actor"] = LIST_SEP.join(state.actors)
    if state.kinds:
        out["kind"] = LIST_SEP.join(state.kinds)
    if state.languages:
        out["lang"] = LIST_SEP.join(state.languages)
    if state.min_confidence > 0:
        out["minconf"] = f"{state.min_confidence:g}"
    if state.article_id is not None:
        out["article"] = str(state.article_id)
    if state.osm:
        out["osm"] = "1"
    return out


def write(params: MutableMapping[str, str], state: ViewState) -> None:
    """Make `params` (st.query_params) hold exactly `state`, touching only keys that change
    (each assignment to st.query_params updates the browser URL)."""
    wanted = to_params(state)
    for key in list(params.keys()):
        if (
            key in ("date", "country", "actor", "kind", "lang", "minconf", "article", "osm")
            and key not in wanted
        ):
            del params[key]
    for key, value in wanted.items():
        if params.get(key) != value:
            params[key] = value
