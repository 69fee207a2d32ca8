"""The annotation fold as pure functions: from an append-only log of analyst rows to effective frames.

Why it is apart from the SQL: what an annotation *means* (which rows are active after undos and redos,
what a ``set_place`` or ``edit_event`` changes, how an analyst's article date re-dates that article's
events, which payloads are valid) is the same for every backend. The SQLite backend reads rows and frames
and hands them to these functions; a PostgreSQL backend will do the same. Nothing here opens a database
(only `place_from_gazetteer` reads the bundled gazetteer), so it is tested with plain lists and DataFrames
(tests/store/test_annotations.py).

The flow for a read: ``fold_annotations(rows)`` -> per-target states (``{"mention"|"event"|"article":
{target_key: state}}``), then ``apply_to_mentions`` / ``apply_to_events`` / ``apply_to_articles`` write
those states over the raw (automatic) frames. A state is a dict with ``status``, ``last_id``, ``notes``
and, when set, ``place`` (place fields), ``fields`` (edited event fields), ``date`` (an article's date),
``rejected``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from geo.model import EVENT_KINDS
from geo.store.base import (
    ANNOTATION_ACTIONS,
    TARGET_TYPES,
    UNCHECKED,
    AnnotationError,
    ConcurrentEditError,
)

if TYPE_CHECKING:
    from pandas.api.extensions import ExtensionArray

    from geo.model import DatePrecision, Place

__all__ = [
    "PLACE_FIELDS",
    "active_ids",
    "apply_article_states",
    "apply_states",
    "apply_to_articles",
    "apply_to_events",
    "apply_to_mentions",
    "article_date_overrides",
    "check_analyst",
    "check_article_date",
    "check_event_edit",
    "check_expected",
    "check_imported_payload",
    "check_payload",
    "clean_value",
    "fold_annotations",
    "inherit_mention_states",
    "iso_date",
    "place_fields",
    "place_from_gazetteer",
    "redate_events",
    "validate_imported",
]

_PLACE_ACTIONS = ("choose_candidate", "set_place", "set_point")
_EVENT_EDIT_FIELDS = ("kind", "actor", "event_date", "date_precision", "where_precision")
#: The fields of a place annotation's payload (and of a stored candidate).
PLACE_FIELDS = ("geonameid", "name", "latitude", "longitude", "country_code", "admin1_code", "feature_code")

#: One annotation row as the fold reads it, in log order (created_at, annotation_id):
#: (annotation_id, target_type, target_key, action, payload (JSON text or dict), analyst, undoes_id).
AnnotationRow = tuple[int, str, str, str, str | dict[str, Any], str, int | None]


# --------------------------------------------------------------------------------------------------
# values


def iso_date(value: Any) -> str | None:
    """A date-like value (date, datetime, Timestamp, ISO text) as ``YYYY-MM-DD``; None/NaN/NaT as None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date().isoformat()
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10]).isoformat()
    raise TypeError(f"not a date: {value!r}")


def clean_value(value: Any) -> Any:
    """Make a value JSON-able / SQLite-friendly (numpy scalars, NaN)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# --------------------------------------------------------------------------------------------------
# the fold: log rows -> per-target states


def active_ids(rows: Iterable[tuple[int, int | None]]) -> set[int]:
    """Ids with effect: an annotation is active unless an *active* undo points at it.

    Undos always come after what they undo, so walking ids downwards decides each undo before its target.
    """
    rows = sorted(rows, key=lambda r: r[0], reverse=True)
    undone_by: dict[int, list[int]] = {}
    for ann_id, undoes in rows:
        if undoes is not None:
            undone_by.setdefault(int(undoes), []).append(int(ann_id))
    active: set[int] = set()
    for ann_id, _ in rows:
        if not any(u in active for u in undone_by.get(int(ann_id), ())):
            active.add(int(ann_id))
    return active


def fold_annotations(rows: Iterable[AnnotationRow]) -> dict[str, dict[str, dict[str, Any]]]:
    """Fold the active annotations per target into the effective overrides.

    ``rows`` are the whole log in order (created_at, annotation_id); returns ``{target_type: {target_key:
    state}}`` with a key for every target type. ``last_id`` counts every row (undos included), so it is
    what a caller passes as ``expected_last``.
    """
    rows = list(rows)
    active = active_ids([(r[0], r[6]) for r in rows])
    states: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in TARGET_TYPES}
    for ann_id, target_type, key, action, payload_json, analyst, _undoes in rows:
        st = states[target_type].setdefault(key, {"status": "auto", "last_id": None, "notes": []})
        st["last_id"] = max(ann_id, st["last_id"] or 0)
        if ann_id not in active or action == "undo":
            continue
        payload = json.loads(payload_json) if isinstance(payload_json, str) else payload_json
        if action == "confirm":
            st["status"] = "edited" if st.get("edited") else "confirmed"
            st["rejected"] = False
        elif action in ("not_a_place", "reject"):
            st["status"] = "rejected"
            st["rejected"] = True
        elif action in _PLACE_ACTIONS:
            st["place"] = payload
            st["edited"] = True
            st["rejected"] = False
            st["status"] = "edited"
        elif action == "edit_event":
            st.setdefault("fields", {}).update(payload)
            st["edited"] = True
            st["rejected"] = False
            st["status"] = "edited"
        elif action == "set_date":
            st["date"] = payload
            st["edited"] = True
            st["status"] = "edited"
        elif action == "note":
            st["notes"].append(f"{payload.get('text', '')} ({analyst})")
    return states


# --------------------------------------------------------------------------------------------------
# states -> frames


def _col_pos(df: pd.DataFrame, name: str) -> int:
    """The position of column `name`, for ``iloc``/``iat`` writes. The store's frames never repeat a
    column name, so ``get_loc`` gives a single int (not the slice or mask of a repeated label)."""
    loc = df.columns.get_loc(name)
    if not isinstance(loc, int):
        raise ValueError(f"column {name!r} appears more than once")
    return loc


def apply_states(
    df: pd.DataFrame, states: dict[str, dict[str, Any]], *, place_name_col: str, clear_place_on_reject: bool
) -> None:
    """Write folded annotation states into the frame, one vectorised assignment per column."""
    if not states or df.empty:
        return
    index_of = pd.Series(np.arange(len(df)), index=df["target_key"].to_numpy())
    index_of = index_of[~index_of.index.duplicated()]
    hits = [k for k in states if k in index_of.index]
    if not hits:
        return
    columns: dict[str, tuple[list[int], list[Any]]] = {}

    def put(col: str, pos: int, value: Any) -> None:
        columns.setdefault(col, ([], []))
        columns[col][0].append(pos)
        columns[col][1].append(value)

    place_cols = {
        "geonameid": "geonameid",
        "name": place_name_col,
        "latitude": "latitude",
        "longitude": "longitude",
        "country_code": "country_code",
        "admin1_code": "admin1_code",
        "feature_code": "feature_code",
    }
    for key in hits:
        st = states[key]
        pos = int(index_of[key])
        put("status", pos, st.get("status", "auto"))
        if st.get("last_id") is not None:
            put("last_annotation_id", pos, int(st["last_id"]))
        if st.get("notes"):
            put("notes", pos, "\n".join(st["notes"]))
        place = st.get("place")
        if st.get("rejected") and (st.get("clear_place") or clear_place_on_reject):
            # A mention that is "not a place", or an event read from one, has no location.
            for src, col in place_cols.items():
                if col in df.columns and src not in ("name",):
                    put(col, pos, None)
        elif place is not None:
            for src, col in place_cols.items():
                if col in df.columns:
                    put(col, pos, place.get(src))
        for field, value in (st.get("fields") or {}).items():
            if field in df.columns:
                put(field, pos, value)
    for col, (positions, values) in columns.items():
        series = df[col]
        new: ExtensionArray | np.ndarray | list[Any]
        if isinstance(series.dtype, pd.Int64Dtype):
            new = pd.array([pd.NA if v is None else int(v) for v in values], dtype="Int64")
        elif series.dtype == float:
            new = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
        else:
            if series.dtype != object:
                df[col] = series.astype(object)
            new = values
        df.iloc[positions, _col_pos(df, col)] = new


def article_date_overrides(
    states: dict[str, dict[str, Any]],
) -> dict[str, tuple[str | None, DatePrecision | None]]:
    """Content hash -> (date, precision) for the articles an analyst dated (``set_date``)."""
    return {
        h: (st["date"]["date"], st["date"]["date_precision"]) for h, st in states.items() if st.get("date")
    }


def apply_article_states(
    df: pd.DataFrame,
    states: dict[str, dict[str, Any]],
    *,
    key_col: str,
    date_col: str,
    only_dates: bool = False,
) -> None:
    """Article annotations: the analyst's date replaces the automatic one (and status/notes/last id)."""
    if not states or df.empty:
        return
    dates = article_date_overrides(states)
    for pos in np.flatnonzero(df[key_col].isin(list(states)).to_numpy()).tolist():
        h = cast(str, df[key_col].iat[pos])  # a key of `states`: isin matched it
        st = states[h]
        if h in dates:
            date, prec = dates[h]
            df.iloc[pos, _col_pos(df, date_col)] = pd.NaT if date is None else pd.Timestamp(date)
            if not only_dates:
                if df["date_precision"].dtype != object:
                    df["date_precision"] = df["date_precision"].astype(object)
                df.iloc[pos, _col_pos(df, "date_precision")] = prec
        if not only_dates:
            df.iloc[pos, _col_pos(df, "status")] = st.get("status", "auto")
            if st.get("last_id") is not None:
                df.iloc[pos, _col_pos(df, "last_annotation_id")] = int(st["last_id"])
            if st.get("notes"):
                df.iloc[pos, _col_pos(df, "notes")] = "\n".join(st["notes"])


def redate_events(
    df: pd.DataFrame, article_states: dict[str, dict[str, Any]], event_states: dict[str, dict[str, Any]]
) -> None:
    """Re-date the events of articles the analyst dated (``set_date``), unless the event's own date was
    edited: an event with a date expression ("on Thursday", "in 2014") is resolved again against the new
    article date (geo.parse.dates.resolve_relative); one without simply takes the article's date.
    ``event_date`` is still an ISO string here."""
    dates = article_date_overrides(article_states)
    if not dates or df.empty:
        return
    positions = np.flatnonzero(df["content_hash"].isin(list(dates)).to_numpy())
    if not len(positions):
        return
    from geo.parse.dates import resolve_relative

    for col in ("event_date", "date_precision"):
        if df[col].dtype != object:
            df[col] = df[col].astype(object)
    c_date, c_prec = _col_pos(df, "event_date"), _col_pos(df, "date_precision")
    c_adate = _col_pos(df, "article_date")
    for pos in positions.tolist():
        date, prec = dates[cast(str, df["content_hash"].iat[pos])]  # isin(dates) matched it
        df.iloc[pos, c_adate] = pd.NaT if date is None else pd.Timestamp(date)
        own = event_states.get(cast(str, df["target_key"].iat[pos])) or {}
        if "event_date" in (own.get("fields") or {}):
            continue
        expr = df["date_expression"].iat[pos]
        if isinstance(expr, str) and expr.strip():
            base = dt.date.fromisoformat(date) if date else None
            language = cast("str | None", df["language"].iat[pos])
            new_date, new_prec = resolve_relative(expr, base, language, article_precision=prec)
            if new_date is None and base is not None:
                continue  # the expression does not depend on the article date: keep what was parsed
            df.iat[pos, c_date] = new_date.isoformat() if new_date else None
            df.iat[pos, c_prec] = new_prec if new_date else None
        else:
            df.iat[pos, c_date] = date
            df.iat[pos, c_prec] = prec


def inherit_mention_states(
    df: pd.DataFrame, mention_states: dict[str, dict[str, Any]], event_states: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Event states with the place corrections made on the mention each event was read from (same
    article, same span) merged in, unless the event has its own place annotation or rejection; an event
    read from a mention marked "not a place" is rejected. Returns a new dict (inputs are not changed)."""
    if mention_states and len(df):
        has_span = df["mention_start"].notna()
        mkeys = (
            df["content_hash"]
            + ":"
            + df["mention_start"].astype("string").fillna("")
            + ":"
            + df["mention_end"].astype("string").fillna("")
        )
        matched = has_span.to_numpy() & mkeys.isin(mention_states.keys()).to_numpy()
        for pos in np.flatnonzero(matched).tolist():
            m_state = mention_states[cast(str, mkeys.iat[pos])]  # isin(mention_states) matched it
            if m_state.get("place") is None and not m_state.get("rejected"):
                continue
            key = cast(str, df["target_key"].iat[pos])
            own = event_states.get(key)
            if own is not None and (own.get("place") is not None or own.get("rejected")):
                continue
            merged = dict(own or {})
            if m_state.get("rejected"):
                merged["rejected"] = True
                merged["clear_place"] = True
                merged["status"] = "rejected"
            else:
                merged["place"] = m_state["place"]
                if merged.get("status") in (None, "auto", "confirmed"):
                    merged["status"] = "edited"
            merged.setdefault("last_id", None)
            event_states = {**event_states, key: merged}
    return event_states


def apply_to_articles(raw: pd.DataFrame, article_states: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """The effective articles frame: the analyst's dates (and status/notes) over a copy of ``raw``,
    re-sorted by the effective date (undated last) when any article was annotated."""
    df = raw.copy()
    if article_states:
        apply_article_states(df, article_states, key_col="content_hash", date_col="date")
        df = df.sort_values(["date", "article_id"], na_position="last", kind="mergesort")
    return df.reset_index(drop=True)


def apply_to_mentions(raw: pd.DataFrame, states: dict[str, dict[str, dict[str, Any]]]) -> pd.DataFrame:
    """The effective mentions frame: mention states and article dates over a copy of ``raw``."""
    df = raw.copy()
    apply_states(df, states.get("mention", {}), place_name_col="name", clear_place_on_reject=True)
    apply_article_states(
        df, states["article"], key_col="content_hash", date_col="article_date", only_dates=True
    )
    return df


def apply_to_events(raw: pd.DataFrame, states: dict[str, dict[str, dict[str, Any]]]) -> pd.DataFrame:
    """The effective events frame over a copy of ``raw`` (``event_date`` still ISO text there): event
    states, places inherited from corrected mentions, re-dating of dated articles; ``event_date`` is
    returned as datetime64."""
    df = raw.copy()
    # Inherit place corrections made on the mention the event was read from.
    event_states = inherit_mention_states(df, states.get("mention", {}), states.get("event", {}))
    apply_states(df, event_states, place_name_col="place", clear_place_on_reject=False)
    redate_events(df, states["article"], event_states)
    df["event_date"] = pd.to_datetime(df["event_date"], format="%Y-%m-%d", errors="coerce")
    return df


# --------------------------------------------------------------------------------------------------
# validation (what an annotation may say)


def check_analyst(analyst: Any) -> str:
    """The analyst's name, stripped; every annotation must say who made it."""
    if not isinstance(analyst, str) or not analyst.strip():
        raise AnnotationError("an annotation needs the analyst's name")
    return analyst.strip()


def check_imported_payload(action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Imported rows carry the normalised payloads :meth:`StoreBackend.annotate` wrote; check their shape so a
    hand-edited file cannot break every later read."""
    out = {k: clean_value(v) for k, v in payload.items()}
    if action == "set_date":
        return check_article_date(out)
    if action == "edit_event":
        return check_event_edit(out)
    if action == "note" and not isinstance(out.get("text"), str):
        raise AnnotationError("a note needs a 'text'")
    if action in _PLACE_ACTIONS:
        try:
            lat, lon = float(out["latitude"]), float(out["longitude"])
        except (KeyError, TypeError, ValueError) as exc:
            raise AnnotationError(f"{action} needs numeric 'latitude' and 'longitude'") from exc
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise AnnotationError(f"point ({lat}, {lon}) is outside the world")
        place = {k: out.get(k) for k in PLACE_FIELDS}
        place.update(latitude=lat, longitude=lon)
        if place["geonameid"] is not None:
            place["geonameid"] = int(place["geonameid"])
        return place
    return out


def check_article_date(out: dict[str, Any]) -> dict[str, Any]:
    """``{"date": "YYYY-MM-DD" | None, "date_precision": "day"|"month"|"year"}``; None = "no date"."""
    unknown = set(out) - {"date", "date_precision"}
    if unknown or "date" not in out:
        raise AnnotationError("set_date needs {'date': 'YYYY-MM-DD' or None, 'date_precision': ...}")
    try:
        date = iso_date(out["date"])
    except (TypeError, ValueError) as exc:
        raise AnnotationError(f"date must be YYYY-MM-DD, not {out['date']!r}") from exc
    precision = out.get("date_precision", "day" if date else None)
    if date is not None and precision not in ("day", "month", "year"):
        raise AnnotationError("date_precision must be day, month or year")
    if date is not None and precision == "month":
        date = date[:8] + "01"
    elif date is not None and precision == "year":
        date = date[:5] + "01-01"
    return {"date": date, "date_precision": precision if date else None}


def check_event_edit(out: dict[str, Any]) -> dict[str, Any]:
    """An ``edit_event`` payload with only known fields, each valid (kind, ISO date, precision 1..7)."""
    unknown = set(out) - set(_EVENT_EDIT_FIELDS)
    if unknown:
        raise AnnotationError(f"edit_event: unknown fields {sorted(unknown)}; allowed {_EVENT_EDIT_FIELDS}")
    if not out:
        raise AnnotationError("edit_event needs at least one field")
    clean: dict[str, Any] = {}
    if "kind" in out:
        if out["kind"] not in EVENT_KINDS:
            raise AnnotationError(f"kind must be one of {EVENT_KINDS}, not {out['kind']!r}")
        clean["kind"] = out["kind"]
    if "actor" in out:
        actor = out["actor"]
        clean["actor"] = str(actor).strip() or None if actor is not None else None
    if "event_date" in out:
        try:
            clean["event_date"] = iso_date(out["event_date"])
        except (TypeError, ValueError) as exc:
            raise AnnotationError(f"event_date must be YYYY-MM-DD, not {out['event_date']!r}") from exc
    if "date_precision" in out:
        if out["date_precision"] not in ("day", "month", "year", None):
            raise AnnotationError("date_precision must be day, month or year")
        clean["date_precision"] = out["date_precision"]
    if "where_precision" in out:
        wp = out["where_precision"]
        if wp is not None and (not isinstance(wp, int | float) or int(wp) not in range(1, 8)):
            raise AnnotationError("where_precision must be an integer 1..7")
        clean["where_precision"] = None if wp is None else int(wp)
    return clean


def place_fields(place: Place) -> dict[str, Any]:
    """The place fields a ``set_place`` annotation stores, taken from a gazetteer :class:`Place`."""
    return {
        "geonameid": int(place.geonameid),
        "name": place.name,
        "latitude": float(place.latitude),
        "longitude": float(place.longitude),
        "country_code": place.country_code,
        "admin1_code": place.admin1_code or None,
        "feature_code": place.feature_code,
    }


def place_from_gazetteer(gid: int) -> dict[str, Any] | None:
    """The place fields of gazetteer entry ``gid``, or None when the gazetteer has no such id."""
    from geo.gazetteer.lookup import get_gazetteer

    try:
        place = get_gazetteer().get(gid)
    except (KeyError, LookupError):
        return None
    if place is None:
        return None
    return place_fields(place)


def check_payload(
    target_type: str,
    action: str,
    payload: dict[str, Any],
    *,
    find_place: Callable[[int], dict[str, Any] | None] = place_from_gazetteer,
) -> dict[str, Any]:
    """The normalised payload stored for ``action`` on a ``target_type``, or :class:`AnnotationError`.

    ``find_place(geonameid)`` fills a ``choose_candidate``/``set_place`` given only an id (a backend
    looks in the mention's candidates first, then the gazetteer).
    """
    if action not in ANNOTATION_ACTIONS:
        allowed = ", ".join(ANNOTATION_ACTIONS)
        raise AnnotationError(f"unknown action {action!r}; expected one of {allowed}")
    if not isinstance(payload, dict):
        raise AnnotationError("payload must be a dict")
    out = {k: clean_value(v) for k, v in payload.items()}
    if target_type == "article" and action not in ("confirm", "note", "set_date"):
        raise AnnotationError(f"{action} does not apply to articles (set_date, note, confirm do)")
    if action == "set_date":
        if target_type != "article":
            raise AnnotationError("set_date applies to articles only; use edit_event for an event")
        return check_article_date(out)
    if action in ("confirm", "not_a_place", "reject"):
        return {k: v for k, v in out.items() if k == "comment"}
    if action == "note":
        text = out.get("text")
        if not isinstance(text, str) or not text.strip():
            raise AnnotationError("a note needs a non-empty 'text'")
        return {"text": text.strip()}
    if action == "edit_event":
        if target_type != "event":
            raise AnnotationError("edit_event applies to events only")
        return check_event_edit(out)
    if action == "set_point":
        return _point_payload(out)
    return _place_payload(action, out, find_place)  # choose_candidate / set_place


def _point_payload(out: dict[str, Any]) -> dict[str, Any]:
    """A ``set_point`` payload: a point on the globe, named by the analyst or by its coordinates."""
    try:
        lat, lon = float(out["latitude"]), float(out["longitude"])
    except (KeyError, TypeError, ValueError) as exc:
        raise AnnotationError("set_point needs numeric 'latitude' and 'longitude'") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise AnnotationError(f"point ({lat}, {lon}) is outside the world")
    name = out.get("name")
    return {
        "geonameid": None,
        "name": str(name) if name else f"{lat:.4f}, {lon:.4f}",
        "latitude": lat,
        "longitude": lon,
        "country_code": out.get("country_code"),
        "admin1_code": out.get("admin1_code"),
        "feature_code": None,
    }


def _place_payload(
    action: str, out: dict[str, Any], find_place: Callable[[int], dict[str, Any] | None]
) -> dict[str, Any]:
    """A ``choose_candidate``/``set_place`` payload: full place fields as given, or looked up by id."""
    try:
        gid = int(out["geonameid"])
    except (KeyError, TypeError, ValueError) as exc:
        raise AnnotationError(f"{action} needs an integer 'geonameid'") from exc
    if all(out.get(k) is not None for k in ("name", "latitude", "longitude", "country_code")):
        given: dict[str, Any] = {k: out.get(k) for k in PLACE_FIELDS}
        given["geonameid"] = gid
        return given
    place = find_place(gid)
    if place is None:
        raise AnnotationError(f"unknown place geonameid {gid}")
    return place


def check_expected(
    target_type: str, target_key: str, expected_last: Any, newest: tuple[Any, ...] | None
) -> None:
    """Optimistic locking: raise :class:`ConcurrentEditError` unless ``expected_last`` (an annotation id,
    None for "none yet", or :data:`UNCHECKED`) is the target's newest row. ``newest`` is that row as
    (annotation_id, analyst, created_at, action), or None when the target has no annotation."""
    if expected_last is UNCHECKED:
        return
    row = newest
    current = None if row is None else int(row[0])
    expected = None if expected_last is None or pd.isna(expected_last) else int(expected_last)
    if current != expected:
        if row is None:
            raise ConcurrentEditError(
                f"{target_type} {target_key}: expected annotation #{expected}, but it has none; reload"
            )
        raise ConcurrentEditError(
            f"{target_type} {target_key} was changed by {row[1]} at {row[2]} ({row[3]}, annotation "
            f"#{current}) since you loaded it; reload and try again"
        )


def validate_imported(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Check exported annotation rows (:meth:`StoreBackend.export_annotations` shape) before an import.

    Returns them normalised (payload as sorted JSON text, ``content_hash`` filled from the key) and sorted
    by ``created_at``, or raises :class:`AnnotationError` naming the first bad row.
    """
    rows = list(rows)
    clean: list[dict[str, Any]] = []
    for i, r in enumerate(rows):
        if not isinstance(r, dict):
            raise AnnotationError(f"annotation {i}: not an object")
        try:
            uid = str(r["uid"])
            target_type = str(r["target_type"])
            target_key = str(r["target_key"])
            action = str(r["action"])
            analyst = check_analyst(r["analyst"])
            created_at = str(r["created_at"])
            dt.datetime.fromisoformat(created_at)
        except (KeyError, TypeError, ValueError, AnnotationError) as exc:
            raise AnnotationError(f"annotation {i}: missing or invalid field ({exc})") from exc
        if target_type not in TARGET_TYPES:
            raise AnnotationError(f"annotation {i}: unknown target_type {target_type!r}")
        if action not in ANNOTATION_ACTIONS:
            raise AnnotationError(f"annotation {i}: unknown action {action!r}")
        payload = r.get("payload") or {}
        if not isinstance(payload, dict):
            raise AnnotationError(f"annotation {i}: payload must be an object")
        try:
            payload = check_imported_payload(action, payload)
        except AnnotationError as exc:
            raise AnnotationError(f"annotation {i}: {exc}") from exc
        undoes_uid = r.get("undoes_uid")
        if action == "undo" and not undoes_uid:
            raise AnnotationError(f"annotation {i}: undo without undoes_uid")
        clean.append(
            {
                "uid": uid,
                "target_type": target_type,
                "target_key": target_key,
                "content_hash": str(r.get("content_hash") or target_key.split(":", 1)[0]),
                "action": action,
                "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
                "analyst": analyst,
                "created_at": created_at,
                "undoes_uid": str(undoes_uid) if undoes_uid else None,
            }
        )
    clean.sort(key=lambda r: r["created_at"])
    return clean
