"""Map layers as GeoDataFrames (EPSG:4326) for the dashboard and the exports.

Every layer reads the store's *effective* frames (analyst annotations applied; cached per store
generation) and a :class:`LayerFilter`, so the map, the static exports and the data exports show the same
thing. Rejected mentions/events and rows without coordinates are left out of the map layers.

Speed: the effective frames and the control intervals are cached per (database, generation, evidence
filter); computing a layer at a new date only filters cached frames (well under a second with 10,000
events and 100,000 mentions; see ``bench/bench_store.py``). Province polygons and their seats are loaded
once per process.

How filters apply:

* events/mentions/datelines: ``countries`` (place country), ``actors`` and ``kinds`` (events only),
  ``min_confidence``, ``languages`` (article language), ``article_ids``.
* control layers: ``min_confidence``, ``languages`` and ``article_ids`` choose which events count as
  evidence; ``countries`` (place/province country) and ``actors`` (current controller) then filter the
  resulting places. ``kinds`` does not apply (control comes from captured/withdrew events only):
  filtering the evidence by actor would make a place "captured by A, retaken by B" look held by A.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.maps import timeline
from geo.maps.timeline import to_timestamp

if TYPE_CHECKING:
    from geo.store import StoreBackend

__all__ = [
    "CONTROL_COLUMNS",
    "DATELINE_COLUMNS",
    "EVENT_COLUMNS",
    "MENTION_COLUMNS",
    "PROVINCE_COLUMNS",
    "LayerFilter",
    "control_intervals_for",
    "control_state_for",
    "control_layer",
    "datelines_layer",
    "events_layer",
    "mentions_layer",
    "province_control_layer",
    "undated_events",
]

CRS = "EPSG:4326"


def _tuple(values: Any) -> tuple:
    if values is None:
        return ()
    if isinstance(values, str | int):
        return (values,)
    return tuple(values)


@dataclass(frozen=True)
class LayerFilter:
    """What the analyst chose to see. Empty tuples mean "no restriction". Hashable (cache key).

    Lists are accepted and converted to tuples; ``countries`` are ISO alpha-2 codes (case-insensitive).
    """

    countries: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    min_confidence: float = 0.0
    languages: tuple[str, ...] = ()
    article_ids: tuple[int, ...] = ()
    include_rejected: bool = False
    extra: tuple = field(default=(), repr=False)  # reserved; keeps the dataclass extensible & hashable

    def __post_init__(self) -> None:
        object.__setattr__(self, "countries", tuple(c.upper() for c in _tuple(self.countries)))
        object.__setattr__(self, "actors", _tuple(self.actors))
        object.__setattr__(self, "kinds", _tuple(self.kinds))
        object.__setattr__(self, "languages", _tuple(self.languages))
        object.__setattr__(self, "article_ids", tuple(int(a) for a in _tuple(self.article_ids)))
        object.__setattr__(self, "min_confidence", float(self.min_confidence or 0.0))

    def evidence_key(self) -> tuple:
        """The part of the filter that decides which events count as evidence of control."""
        return (self.min_confidence, self.languages, self.article_ids, self.include_rejected)


#: Columns of :func:`events_layer` (plus ``geometry``).
EVENT_COLUMNS = [
    "event_id",
    "article_id",
    "content_hash",
    "target_key",
    "kind",
    "actor",
    "actor_text",
    "place",
    "place_text",
    "geonameid",
    "latitude",
    "longitude",
    "country_code",
    "admin1_code",
    "event_date",
    "date_precision",
    "where_precision",
    "confidence",
    "evidence",
    "evidence_start",
    "evidence_end",
    "source",
    "title",
    "language",
    "article_date",
    "notes",
    "status",
    "last_annotation_id",
    "is_new",
]

#: Columns of :func:`mentions_layer` (plus ``geometry``).
MENTION_COLUMNS = [
    "mention_id",
    "article_id",
    "content_hash",
    "target_key",
    "start",
    "end",
    "text",
    "role",
    "geonameid",
    "name",
    "latitude",
    "longitude",
    "country_code",
    "admin1_code",
    "feature_code",
    "confidence",
    "source",
    "title",
    "language",
    "article_date",
    "notes",
    "status",
    "last_annotation_id",
]

#: Columns of :func:`control_layer` (plus ``geometry``): geo.maps.timeline.STATE_COLUMNS.
CONTROL_COLUMNS = list(timeline.STATE_COLUMNS)

#: Columns of :func:`province_control_layer` (plus polygon ``geometry``).
PROVINCE_COLUMNS = [
    "geonameid",
    "name",
    "name_de",
    "country_code",
    "admin1_code",
    "seat_geonameid",
    "seat_name",
    "controller",
    "state",
    "since",
    "since_precision",
    "held_via",
    "opened_by_event",
    "evidence",
    "article_id",
    "source",
    "last_confirmed",
    "contested",
    "contested_by",
]

#: Columns of :func:`datelines_layer` (plus ``geometry``).
DATELINE_COLUMNS = [
    "article_id",
    "mention_id",
    "target_key",
    "title",
    "source",
    "language",
    "article_date",
    "text",
    "name",
    "geonameid",
    "country_code",
    "latitude",
    "longitude",
    "status",
]


# --------------------------------------------------------------------------------------------------
# helpers


def _points(df: pd.DataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    df = df.reindex(columns=columns).reset_index(drop=True)
    geometry = gpd.points_from_xy(df["longitude"].astype(float), df["latitude"].astype(float), crs=CRS)
    return gpd.GeoDataFrame(df, geometry=geometry, crs=CRS)


def _isin(series: pd.Series, values: Iterable[Any]) -> np.ndarray:
    return series.isin(list(values)).to_numpy()


def _source_mask(df: pd.DataFrame, flt: LayerFilter, mask: np.ndarray | None = None) -> np.ndarray:
    """Rows kept by the filters that judge a row's source and trust (status, confidence, language,
    article); events and mentions share them, so the two layers never disagree about what is shown."""
    if mask is None:
        mask = np.ones(len(df), dtype=bool)
    if not flt.include_rejected:
        mask &= (df["status"] != "rejected").to_numpy()
    if flt.min_confidence > 0:
        mask &= (df["confidence"] >= flt.min_confidence).to_numpy()
    if flt.languages:
        mask &= _isin(df["language"], flt.languages)
    if flt.article_ids:
        mask &= _isin(df["article_id"], flt.article_ids)
    return mask


def _filter_events(ev: pd.DataFrame, flt: LayerFilter, *, evidence_only: bool = False) -> pd.DataFrame:
    mask = _source_mask(ev, flt)
    if not evidence_only:
        if flt.countries:
            mask &= _isin(ev["country_code"], flt.countries)
        if flt.actors:
            mask &= _isin(ev["actor"], flt.actors)
        if flt.kinds:
            mask &= _isin(ev["kind"], flt.kinds)
    return ev[mask]


_INTERVALS: dict[tuple, pd.DataFrame] = {}
_INTERVALS_LOCK = threading.Lock()
_STATIC: dict[tuple, gpd.GeoDataFrame] = {}


def _static_layer(store: StoreBackend, name: str, flt: LayerFilter, build) -> gpd.GeoDataFrame:
    """Date-independent layers (mentions, datelines) are cached per (database, generation, filter); the
    caller gets a cheap copy, so it may add columns (colours, popups) without corrupting the cache."""
    key = (*store.cache_key(), name, flt)
    with _INTERVALS_LOCK:
        hit = _STATIC.get(key)
    if hit is None:
        hit = build(store, flt)
        with _INTERVALS_LOCK:
            if len(_STATIC) > 16:
                _STATIC.clear()
            _STATIC[key] = hit
    return hit.copy()


def control_intervals_for(store: StoreBackend, flt: LayerFilter | None = None) -> pd.DataFrame:
    """Cached :func:`geo.maps.timeline.control_intervals` over the store's effective events (evidence filter
    of ``flt`` applied). Countries/actors are NOT applied here (see module docstring)."""
    flt = flt or LayerFilter()
    key = (*store.cache_key(), flt.evidence_key())
    with _INTERVALS_LOCK:
        hit = _INTERVALS.get(key)
    if hit is not None:
        return hit
    ev = _filter_events(store.effective_events(), flt, evidence_only=True)
    iv = timeline.control_intervals(ev)
    with _INTERVALS_LOCK:
        if len(_INTERVALS) > 32:
            _INTERVALS.clear()
        _INTERVALS[key] = iv
    return iv


_STATES: dict[tuple, pd.DataFrame] = {}
_PRESSURE: dict[tuple, pd.DataFrame] = {}


def _pressure_for(store: StoreBackend, flt: LayerFilter) -> pd.DataFrame:
    key = (*store.cache_key(), flt.evidence_key())
    with _INTERVALS_LOCK:
        hit = _PRESSURE.get(key)
    if hit is None:
        hit = timeline.pressure_events(_filter_events(store.effective_events(), flt, evidence_only=True))
        with _INTERVALS_LOCK:
            if len(_PRESSURE) > 32:
                _PRESSURE.clear()
            _PRESSURE[key] = hit
    return hit


def control_state_for(store: StoreBackend, date: Any, flt: LayerFilter | None = None) -> pd.DataFrame:
    """Cached :func:`geo.maps.timeline.state_at` at ``date`` (shared by the point and province layers of one
    render). Countries/actors are NOT applied here."""
    flt = flt or LayerFilter()
    key = (*store.cache_key(), flt.evidence_key(), to_timestamp(date))
    with _INTERVALS_LOCK:
        hit = _STATES.get(key)
    if hit is None:
        hit = timeline.state_at(control_intervals_for(store, flt), date, _pressure_for(store, flt))
        with _INTERVALS_LOCK:
            if len(_STATES) > 64:
                _STATES.clear()
            _STATES[key] = hit
    return hit


# --------------------------------------------------------------------------------------------------
# layers


def control_layer(store: StoreBackend, date: Any = None, flt: LayerFilter | None = None) -> gpd.GeoDataFrame:
    """Control at ``date`` (inclusive; None = latest): one point per place with a control change up to
    that date, with its latest ``controller`` (None when vacated), ``since``, opening ``evidence``,
    ``last_confirmed`` and ``event_ids``. Columns :data:`CONTROL_COLUMNS` + geometry."""
    flt = flt or LayerFilter()
    state = control_state_for(store, date, flt)
    if flt.countries:
        state = state[state["country_code"].isin(flt.countries)]
    if flt.actors:
        state = state[state["controller"].isin(flt.actors)]
    return _points(state, CONTROL_COLUMNS)


def events_layer(
    store: StoreBackend, date: Any = None, flt: LayerFilter | None = None, since: Any = None
) -> gpd.GeoDataFrame:
    """Events on or before ``date`` (None = all, undated ones included only then), with ``is_new`` True
    for events after ``since`` (exclusive). Columns :data:`EVENT_COLUMNS` + geometry; sorted by date."""
    flt = flt or LayerFilter()
    ev = _filter_events(store.effective_events(), flt)
    ev = ev[ev["latitude"].notna() & ev["longitude"].notna()]
    ts = to_timestamp(date)
    if ts is not None:
        ev = ev[ev["event_date"] <= ts]
    since_ts = to_timestamp(since)
    is_new = (ev["event_date"] > since_ts) if since_ts is not None else pd.Series(False, index=ev.index)
    ev = ev.assign(is_new=is_new.fillna(False).astype(bool)).sort_values(
        ["event_date", "event_id"], kind="mergesort"
    )
    return _points(ev, EVENT_COLUMNS)


def undated_events(store: StoreBackend, flt: LayerFilter | None = None) -> pd.DataFrame:
    """Events without a date (not on the time-keyed map), for a list beside it; plain DataFrame."""
    flt = flt or LayerFilter()
    ev = _filter_events(store.effective_events(), flt)
    return ev[ev["event_date"].isna()].reindex(columns=EVENT_COLUMNS[:-1]).reset_index(drop=True)


def mentions_layer(store: StoreBackend, flt: LayerFilter | None = None) -> gpd.GeoDataFrame:
    """Every resolved place mention (roles 'place' and 'dateline'), not time-keyed. Columns
    :data:`MENTION_COLUMNS` + geometry. ``actors``/``kinds`` do not apply."""
    return _static_layer(store, "mentions", flt or LayerFilter(), _mentions_layer)


def _mentions_layer(store: StoreBackend, flt: LayerFilter) -> gpd.GeoDataFrame:
    m = store.effective_mentions()
    mask = _source_mask(m, flt, (m["latitude"].notna() & m["longitude"].notna()).to_numpy(copy=True))
    if flt.countries:
        mask &= _isin(m["country_code"], flt.countries)
    return _points(m[mask], MENTION_COLUMNS)


def datelines_layer(store: StoreBackend, flt: LayerFilter | None = None) -> gpd.GeoDataFrame:
    """Where each article was filed: its first resolved dateline mention. Columns
    :data:`DATELINE_COLUMNS` + geometry."""
    return _static_layer(store, "datelines", flt or LayerFilter(), _datelines_layer)


def _datelines_layer(store: StoreBackend, flt: LayerFilter) -> gpd.GeoDataFrame:
    m = store.effective_mentions()
    m = m[(m["role"] == "dateline") & m["latitude"].notna() & m["longitude"].notna()]
    m = m[m["status"] != "rejected"]
    if flt.languages:
        m = m[m["language"].isin(flt.languages)]
    if flt.article_ids:
        m = m[m["article_id"].isin(flt.article_ids)]
    if flt.countries:
        m = m[m["country_code"].isin(flt.countries)]
    m = m.sort_values(["article_id", "start"]).drop_duplicates("article_id")
    return _points(m, DATELINE_COLUMNS)


# --------------------------------------------------------------------------------------------------
# provinces


@lru_cache(maxsize=1)
def _provinces() -> gpd.GeoDataFrame:
    """Province polygons with their seat, loaded once per process (geometry is the costly part)."""
    from geo.gazetteer.lookup import get_gazetteer

    gaz = get_gazetteer()
    prov = gaz.provinces().copy()
    seat_ids: list[Any] = []
    seat_names: list[Any] = []
    for gid in prov["geonameid"].tolist():
        seat = None
        try:
            province = gaz.get(int(gid))
            seat = gaz.seat_of(province) if province is not None else None
        except Exception:  # one odd province must not take the layer down
            seat = None
        seat_ids.append(seat.geonameid if seat is not None else None)
        seat_names.append(seat.name if seat is not None else None)
    prov["seat_geonameid"] = pd.array(seat_ids, dtype="Int64")
    prov["seat_name"] = seat_names
    if "name_de" not in prov.columns:
        prov["name_de"] = None
    if prov.crs is None:
        prov = prov.set_crs(CRS)
    return prov.to_crs(CRS)


def province_control_layer(
    store: StoreBackend, date: Any = None, flt: LayerFilter | None = None
) -> gpd.GeoDataFrame:
    """Province polygons shaded by who holds the province's seat (capital) at ``date``.

    A province whose seat has no control change but which was itself the place of a control event
    (an ADM1-level report, ``held_via`` "province") is shaded by that. Only provinces with a known state
    are returned. Columns :data:`PROVINCE_COLUMNS` + geometry. Empty when no gazetteer is available.
    """
    flt = flt or LayerFilter()
    state = control_state_for(store, date, flt)
    empty = gpd.GeoDataFrame(
        pd.DataFrame({c: pd.Series(dtype=object) for c in PROVINCE_COLUMNS}),
        geometry=gpd.GeoSeries([], crs=CRS),
        crs=CRS,
    )
    if state.empty:
        return empty
    try:
        prov = _provinces()
    except Exception:  # gazetteer missing or not built: the point layers still work
        return empty
    by_gid = state[state["geonameid"].notna()].drop_duplicates("geonameid").set_index("geonameid")
    keep = [
        "controller",
        "state",
        "since",
        "since_precision",
        "opened_by_event",
        "evidence",
        "article_id",
        "source",
        "last_confirmed",
        "contested",
        "contested_by",
    ]
    via_seat = prov[["seat_geonameid"]].join(by_gid[keep], on="seat_geonameid")
    via_self = prov[["geonameid"]].join(by_gid[keep], on="geonameid")
    use_seat = via_seat["since"].notna()
    use_self = ~use_seat & via_self["since"].notna()
    out = prov.assign(**{c: via_seat[c].where(use_seat, via_self[c]) for c in keep})
    # None as a 0-d object array: the same object-dtype result, in a form numpy's stubs accept
    none = np.array(None, dtype=object)
    out["held_via"] = np.where(use_seat, "seat", np.where(use_self, "province", none))
    out = out[use_seat | use_self]
    if flt.countries:
        out = out[out["country_code"].isin(flt.countries)]
    if flt.actors:
        out = out[out["controller"].isin(flt.actors)]
    return gpd.GeoDataFrame(
        out[PROVINCE_COLUMNS].reset_index(drop=True), geometry=out.geometry.to_numpy(), crs=CRS
    )
