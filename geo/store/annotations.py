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

A store can hold rows no current check would accept (written by an older version, imported before the
checks were strict, or inserted by hand). A read must never fail because of one of them: the fold skips
such a row with a warning (``row_problems`` says why), the history shows it as invalid, and an analyst can
undo it. The log's order is the order of *parsed* times (analysts' clocks and formats differ) with every
undo after its target (``log_order``), never the order of timestamp strings.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import json
import logging
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np
import pandas as pd

from geo.model import EVENT_KINDS, MAX_YEAR, MIN_YEAR
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
    "check_stored_payload",
    "clean_value",
    "fold_annotations",
    "inherit_mention_states",
    "iso_date",
    "log_order",
    "parse_time",
    "place_fields",
    "place_from_gazetteer",
    "redate_events",
    "ROW_FIELDS",
    "row_problems",
    "same_annotation",
    "validate_imported",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

_PLACE_ACTIONS = ("choose_candidate", "set_place", "set_point")
_EVENT_EDIT_FIELDS = ("kind", "actor", "event_date", "date_precision", "where_precision")
_DATE_PRECISIONS = ("day", "month", "year")
_WHERE_PRECISIONS = range(1, 8)  # UCDP GED where_prec 1..7
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


_EPOCH = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


def parse_time(value: Any) -> dt.datetime | None:
    """An annotation's ``created_at`` as an aware UTC datetime (a time without a zone is UTC), or None.

    Parsed rather than compared as text: "...:00Z" sorts after "...:00.5+00:00" as a string although it
    is earlier, and analysts' tools write both, with 0 to 9 fractional digits.
    """
    if isinstance(value, dt.datetime):
        t = value
    elif isinstance(value, str):
        try:
            t = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)


def log_order(
    items: Sequence[T],
    *,
    ident: Callable[[T], Hashable],
    after: Callable[[T], Hashable | None],
    key: Callable[[T], Any],
) -> list[T]:
    """``items`` sorted by ``key``, except that an item never comes before the one it depends on.

    ``after(item)`` is the ``ident`` of the item it must follow (an undo's target), or None. An undo made
    on a machine whose clock is behind its target's still comes after it, so an export replays in order
    and an import finds every target first. A dependency outside ``items`` does not hold anything back;
    items caught in a dependency cycle (only hand-made rows can be) come last, in ``key`` order. Ties in
    ``key`` keep the input order.
    """
    keys = [key(x) for x in items]
    idents = [ident(x) for x in items]
    deps = [after(x) for x in items]
    order = sorted(range(len(items)), key=lambda i: (keys[i], i))
    position: dict[Hashable, int] = {}
    for pos, i in enumerate(order):
        position.setdefault(idents[i], pos)
    if all(d is None or position.get(d, -1) < position[idents[i]] for i, d in enumerate(deps)):
        return [items[i] for i in order]  # the usual case: time order already puts undos after targets
    present = set(idents)
    waiting: dict[Hashable, list[int]] = {}
    ready: list[tuple[Any, int]] = []
    for i, dep in enumerate(deps):
        if dep is not None and dep in present and dep != idents[i]:
            waiting.setdefault(dep, []).append(i)
        else:
            ready.append((keys[i], i))
    heapq.heapify(ready)
    out: list[T] = []
    done: set[int] = set()
    while ready:
        _, i = heapq.heappop(ready)
        out.append(items[i])
        done.add(i)
        for j in waiting.pop(idents[i], ()):
            heapq.heappush(ready, (keys[j], j))
    out.extend(items[i] for i in order if i not in done)  # a cycle: what is left, in key order
    return out


def _time_key(created_at: Any, tiebreak: Any) -> tuple[dt.datetime, Any]:
    return (parse_time(created_at) or _EPOCH, tiebreak)


def active_ids(rows: Iterable[tuple[int, int | None]]) -> set[int]:
    """Ids with effect: an annotation is active unless an *active* undo points at it.

    Decided from the undo links, not from id order: walking targets-before-undos backwards decides each
    undo before its target, however long an undo/redo chain is (no recursion).
    """
    pairs = [(int(a), None if u is None else int(u)) for a, u in rows]
    ordered = log_order(pairs, ident=lambda r: r[0], after=lambda r: r[1], key=lambda r: r[0])
    undone_by: dict[int, list[int]] = {}
    for ann_id, undoes in pairs:
        if undoes is not None:
            undone_by.setdefault(undoes, []).append(ann_id)
    active: set[int] = set()
    for ann_id, _ in reversed(ordered):
        if not any(u in active for u in undone_by.get(ann_id, ())):
            active.add(ann_id)
    return active


def _payload_dict(payload: Any) -> dict[str, Any] | None:
    """A stored payload (JSON text or dict) as a dict, or None when it is not a JSON object."""
    if isinstance(payload, dict):
        return payload
    try:
        value = json.loads(payload)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _check_row(row: AnnotationRow, ids: set[int]) -> dict[str, Any] | str:
    """The normalised payload of one stored row, or the reason it is invalid."""
    _ann_id, target_type, target_key, action, payload_json, analyst, undoes = row
    if action == "undo" and (undoes is None or int(undoes) not in ids):
        return "undoes: no such annotation in this store"
    if isinstance(payload_json, str):
        checked = _check_stored_text(target_type, target_key, action, payload_json, analyst)
    else:
        checked = _check_stored(target_type, target_key, action, payload_json, analyst)
    return checked if isinstance(checked, str) else dict(checked)  # a copy: the cache keeps its own


@functools.lru_cache(maxsize=65536)
def _check_stored_text(target_type: Any, target_key: Any, action: Any, payload: str, analyst: Any) -> Any:
    """:func:`_check_stored` cached by the row's text: rows are append-only, and every read folds the
    whole log again, so each row is checked once per process, not once per read."""
    return _check_stored(target_type, target_key, action, payload, analyst)


def _check_stored(target_type: Any, target_key: Any, action: Any, payload_json: Any, analyst: Any) -> Any:
    payload = _payload_dict(payload_json)
    if payload is None:
        return "payload is not a JSON object"
    if not isinstance(analyst, str) or not analyst.strip():
        return "analyst: missing"
    if action == "undo":
        return payload
    try:
        return check_stored_payload(target_type, target_key, action, payload)
    except AnnotationError as exc:
        return str(exc)


def row_problems(rows: Iterable[AnnotationRow]) -> dict[int, str]:
    """Annotation id -> why that stored row is invalid (only invalid rows are keys)."""
    rows = list(rows)
    ids = {int(r[0]) for r in rows}
    return {int(r[0]): res for r in rows if isinstance(res := _check_row(r, ids), str)}


_WARNED: set[tuple[int, str]] = set()


def _warn_invalid(ann_id: int, target_type: str, target_key: str, problem: str) -> None:
    """Log an invalid row once per process (every read folds the log again)."""
    if (ann_id, problem) in _WARNED:
        return
    if len(_WARNED) > 10_000:
        _WARNED.clear()
    _WARNED.add((ann_id, problem))
    log.warning(
        "annotation #%s on %s %s is invalid and was skipped (%s); undo it to clear this warning",
        ann_id,
        target_type,
        target_key,
        problem,
    )


def fold_annotations(
    rows: Iterable[AnnotationRow], times: Mapping[int, Any] | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """Fold the active annotations per target into the effective overrides.

    ``rows`` are the whole log; with ``times`` (annotation id -> ``created_at``) they are first put in log
    order (parsed time, undos after their targets: :func:`log_order`), else they are taken as given.
    Returns ``{target_type: {target_key: state}}`` with a key for every target type. ``last_id`` counts
    every row (undos and invalid rows included), so it is what a caller passes as ``expected_last``. A row
    that does not pass today's checks is skipped with a logged warning (:func:`row_problems`).
    """
    rows = list(rows)
    if times is not None:
        rows = log_order(
            rows,
            ident=lambda r: int(r[0]),
            after=lambda r: None if r[6] is None else int(r[6]),
            key=lambda r: _time_key(times.get(int(r[0])), int(r[0])),
        )
    ids = {int(r[0]) for r in rows}
    checked = {int(r[0]): _check_row(r, ids) for r in rows}
    active = active_ids([(r[0], None if isinstance(checked[int(r[0])], str) else r[6]) for r in rows])
    states: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in TARGET_TYPES}
    for ann_id, target_type, key, action, _payload, analyst, _undoes in rows:
        if target_type not in states:
            _warn_invalid(ann_id, target_type, key, f"unknown target_type {target_type!r}")
            continue
        st = states[target_type].setdefault(key, {"status": "auto", "last_id": None, "notes": []})
        st["last_id"] = max(ann_id, st["last_id"] or 0)
        payload = checked[int(ann_id)]
        if isinstance(payload, str):
            if ann_id in active:
                _warn_invalid(ann_id, target_type, key, payload)
            continue
        if ann_id not in active or action == "undo":
            continue
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
    """Re-date the events of articles the analyst dated (``set_date``), except the fields (date, precision)
    an analyst edited on the event itself: an event with a date expression ("on Thursday", "in 2014") is
    resolved again against the new article date (geo.parse.dates.resolve_relative); one without simply
    takes the article's date. ``event_date`` is still an ISO string here."""
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
        own = (event_states.get(cast(str, df["target_key"].iat[pos])) or {}).get("fields") or {}
        # What the analyst edited on the event itself stays; the rest is re-dated. So an edited date without
        # a precision keeps the precision the event was shown with (the re-dated one), not the one parsed
        # before the article had a date (often none).
        keep_date, keep_prec = "event_date" in own, "date_precision" in own
        if keep_date and keep_prec:
            continue
        expr = df["date_expression"].iat[pos]
        if isinstance(expr, str) and expr.strip():
            base = dt.date.fromisoformat(date) if date else None
            language = cast("str | None", df["language"].iat[pos])
            new_date, new_prec = resolve_relative(expr, base, language, article_precision=prec)
            if new_date is None and base is not None:
                continue  # the expression does not depend on the article date: keep what was parsed
            new_iso = new_date.isoformat() if new_date else None
        else:
            new_iso, new_prec = date, prec
        if not keep_date:
            df.iat[pos, c_date] = new_iso
        if not keep_prec:
            dated = isinstance(df["event_date"].iat[pos], str) and bool(new_iso)
            df.iat[pos, c_prec] = new_prec if dated else None


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
#
# One set of checks for every way in: `check_payload` (Store.annotate, so the dashboard too) normalises
# what an analyst gives and then passes it through `check_stored_payload`, which is also what an import
# (`validate_imported`) and every read (the fold, via `row_problems`) apply to stored rows. So nothing
# written today can be refused tomorrow, and nothing refused can be written.


def check_analyst(analyst: Any) -> str:
    """The analyst's name, stripped; every annotation must say who made it."""
    if not isinstance(analyst, str) or not analyst.strip():
        raise AnnotationError("an annotation needs the analyst's name")
    return analyst.strip()


def _date_value(field: str, value: Any) -> str | None:
    """``YYYY-MM-DD`` (or None) with a year in MIN_YEAR..MAX_YEAR, the range every date source uses."""
    try:
        date = iso_date(value)
    except (TypeError, ValueError) as exc:
        raise AnnotationError(f"{field} must be YYYY-MM-DD, not {value!r}") from exc
    if date is not None and not MIN_YEAR <= int(date[:4]) <= MAX_YEAR:
        raise AnnotationError(f"{field}: year {int(date[:4])} is outside {MIN_YEAR}-{MAX_YEAR}")
    return date


def _int_value(field: str, value: Any) -> int:
    """An integer given as int, integral float or digits (JSON from other tools); never a bool."""
    if isinstance(value, bool):
        raise AnnotationError(f"{field} must be an integer, not {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value.strip())
    raise AnnotationError(f"{field} must be an integer, not {value!r}")


def _text_value(field: str, value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise AnnotationError(f"{field} must be text, not {value!r}")
    return value


def _coordinates(action: str, out: dict[str, Any]) -> tuple[float, float]:
    """(latitude, longitude) as finite floats on the globe: lat -90..90, lon -180..180."""
    try:
        values = out["latitude"], out["longitude"]
        if any(isinstance(v, bool) for v in values):
            raise TypeError("a boolean is not a coordinate")
        lat, lon = float(values[0]), float(values[1])
    except (KeyError, TypeError, ValueError) as exc:
        raise AnnotationError(f"{action} needs numeric 'latitude' and 'longitude'") from exc
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise AnnotationError(f"latitude/longitude: point ({lat}, {lon}) is outside the world")
    return lat, lon


def _check_applies(target_type: str, action: str) -> None:
    """Refuse an action on a target type it does not apply to."""
    if target_type not in TARGET_TYPES:
        raise AnnotationError(f"target_type must be one of {TARGET_TYPES}, not {target_type!r}")
    if action not in ANNOTATION_ACTIONS:
        allowed = ", ".join(ANNOTATION_ACTIONS)
        raise AnnotationError(f"unknown action {action!r}; expected one of {allowed}")
    if target_type == "article" and action not in ("confirm", "note", "set_date", "undo"):
        raise AnnotationError(f"{action} does not apply to articles (set_date, note, confirm do)")
    if action == "set_date" and target_type != "article":
        raise AnnotationError("set_date applies to articles only; use edit_event for an event")
    if action == "edit_event" and target_type != "event":
        raise AnnotationError("edit_event applies to events only")


def _check_key(target_type: str, target_key: Any) -> None:
    """The shape of a stable key (`geo.store.base`): offsets are integers, an article key is a hash."""
    if not isinstance(target_key, str) or not target_key or target_key != target_key.strip():
        raise AnnotationError(f"target_key: invalid key {target_key!r}")
    parts = target_key.split(":")
    if target_type == "article":
        ok = len(parts) == 1
    elif target_type == "mention":
        ok = len(parts) == 3 and bool(parts[0]) and parts[1].isdigit() and parts[2].isdigit()
    else:  # "<hash>:<evidence_start>:<mention_start or ''>:<kind>[#n]"
        ok = len(parts) >= 4 and bool(parts[0]) and parts[1].isdigit() and bool(parts[3])
        ok = ok and (parts[2] == "" or parts[2].isdigit())
    if not ok:
        raise AnnotationError(f"target_key: {target_key!r} is not a {target_type} key")


def check_imported_payload(action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The shape of a stored payload (what :meth:`StoreBackend.annotate` writes), normalised, for one
    action; :class:`AnnotationError` names the field. Used for imports and for every row a read folds,
    so a hand-edited file or an old row cannot break a read."""
    if not isinstance(payload, dict):
        raise AnnotationError("payload must be an object")
    out = {k: clean_value(v) for k, v in payload.items()}
    if action == "set_date":
        return check_article_date(out)
    if action == "edit_event":
        return check_event_edit(out)
    if action == "note":
        if not isinstance(out.get("text"), str):
            raise AnnotationError("a note needs a 'text'")
        return out
    if action in ("confirm", "not_a_place", "reject"):
        _text_value("comment", out.get("comment"))
        return out
    if action in _PLACE_ACTIONS:
        lat, lon = _coordinates(action, out)
        place = {k: out.get(k) for k in PLACE_FIELDS}
        place.update(latitude=lat, longitude=lon)
        if place["geonameid"] is not None or action != "set_point":
            try:
                place["geonameid"] = _int_value("geonameid", place["geonameid"])
            except AnnotationError as exc:
                raise AnnotationError(f"{action} needs an integer 'geonameid' ({exc})") from None
        for field in ("name", "country_code", "admin1_code", "feature_code"):
            _text_value(field, place[field])
        return place
    return out  # undo: the link is in undoes_id/undoes_uid, not the payload


def check_stored_payload(
    target_type: str, target_key: Any, action: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """A whole stored row's meaning: target type, key shape, action on that target, payload (normalised).

    Raises :class:`AnnotationError` naming the field; see :func:`check_imported_payload`."""
    _check_applies(target_type, action)
    _check_key(target_type, target_key)
    return check_imported_payload(action, payload)


def check_article_date(out: dict[str, Any]) -> dict[str, Any]:
    """``{"date": "YYYY-MM-DD" | None, "date_precision": "day"|"month"|"year"}``; None = "no date".

    The year must be in MIN_YEAR..MAX_YEAR (`geo.model`): a year-1 date would also break date arithmetic
    and pandas on every later read."""
    unknown = set(out) - {"date", "date_precision"}
    if unknown or "date" not in out:
        raise AnnotationError("set_date needs {'date': 'YYYY-MM-DD' or None, 'date_precision': ...}")
    date = _date_value("date", out["date"])
    precision = out.get("date_precision", "day" if date else None)
    if date is not None and precision not in _DATE_PRECISIONS:
        raise AnnotationError("date_precision must be day, month or year")
    if date is not None and precision == "month":
        date = date[:8] + "01"
    elif date is not None and precision == "year":
        date = date[:5] + "01-01"
    return {"date": date, "date_precision": precision if date else None}


def check_event_edit(out: dict[str, Any]) -> dict[str, Any]:
    """An ``edit_event`` payload with only known fields, each valid (kind, ISO date in the year range,
    precision day/month/year, where precision 1..7)."""
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
        if actor is not None and not isinstance(actor, str | int | float):
            raise AnnotationError(f"actor must be text, not {actor!r}")
        clean["actor"] = str(actor).strip() or None if actor is not None else None
    if "event_date" in out:
        clean["event_date"] = _date_value("event_date", out["event_date"])
    if "date_precision" in out:
        if out["date_precision"] not in (*_DATE_PRECISIONS, None):
            raise AnnotationError("date_precision must be day, month or year")
        clean["date_precision"] = out["date_precision"]
    if "where_precision" in out:
        wp = out["where_precision"]
        if wp is not None:
            try:
                wp = _int_value("where_precision", wp)
            except AnnotationError:
                wp = 0
            if wp not in _WHERE_PRECISIONS:
                given = out["where_precision"]
                raise AnnotationError(f"where_precision must be an integer 1..7, not {given!r}")
        clean["where_precision"] = wp
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
    target_key: str | None = None,
) -> dict[str, Any]:
    """The normalised payload stored for ``action`` on a ``target_type``, or :class:`AnnotationError`.

    ``find_place(geonameid)`` fills a ``choose_candidate``/``set_place`` given only an id (a backend
    looks in the mention's candidates first, then the gazetteer). The result also passes
    :func:`check_stored_payload` (with ``target_key`` when given), the check imports and reads apply.
    """
    if action not in ANNOTATION_ACTIONS:
        allowed = ", ".join(ANNOTATION_ACTIONS)
        raise AnnotationError(f"unknown action {action!r}; expected one of {allowed}")
    if not isinstance(payload, dict):
        raise AnnotationError("payload must be a dict")
    out = {k: clean_value(v) for k, v in payload.items()}
    _check_applies(target_type, action)
    if action == "set_date":
        clean = check_article_date(out)
    elif action in ("confirm", "not_a_place", "reject"):
        clean = {k: v for k, v in out.items() if k == "comment"}
    elif action == "note":
        text = out.get("text")
        if not isinstance(text, str) or not text.strip():
            raise AnnotationError("a note needs a non-empty 'text'")
        clean = {"text": text.strip()}
    elif action == "edit_event":
        clean = check_event_edit(out)
    elif action == "set_point":
        clean = _point_payload(out)
    elif action == "undo":
        raise AnnotationError("undo needs an annotation id; use undo()")
    else:
        clean = _place_payload(action, out, find_place)  # choose_candidate / set_place
    if target_key is not None:
        return check_stored_payload(target_type, target_key, action, clean)
    return check_imported_payload(action, clean)


def _point_payload(out: dict[str, Any]) -> dict[str, Any]:
    """A ``set_point`` payload: a point on the globe, named by the analyst or by its coordinates."""
    lat, lon = _coordinates("set_point", out)
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
        gid = _int_value("geonameid", out.get("geonameid"))
    except AnnotationError as exc:
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


#: The fields of an exported row that say what it means (uid and content_hash aside).
ROW_FIELDS = ("target_type", "target_key", "action", "payload", "analyst", "created_at", "undoes_uid")


def same_annotation(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two annotation rows (export shape) say the same thing: what a re-import of the same uid
    must find. Payloads compare as parsed JSON, times as parsed instants ("Z" = "+00:00")."""
    for field in ROW_FIELDS:
        x, y = a.get(field), b.get(field)
        if field == "payload":
            x, y = _payload_dict(x or {}), _payload_dict(y or {})
        elif field == "created_at":
            tx, ty = parse_time(x), parse_time(y)
            if tx is not None and ty is not None:
                x, y = tx, ty
        elif field == "undoes_uid":
            x, y = x or None, y or None
        if x != y:
            return False
    return True


def validate_imported(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Check exported annotation rows (:meth:`StoreBackend.export_annotations` shape) before an import.

    Returns them normalised (payload as sorted JSON text, ``content_hash`` filled from the key), without
    repeats of an identical row, in log order (parsed ``created_at``, each undo after its target), or
    raises :class:`AnnotationError` naming the first bad row, its uid and the field. The same uid twice
    with different content is an error, not a silent choice.
    """
    rows = list(rows)
    clean: list[dict[str, Any]] = []
    by_uid: dict[str, dict[str, Any]] = {}
    for i, r in enumerate(rows):
        if not isinstance(r, dict):
            raise AnnotationError(f"annotation {i}: not an object")
        uid = r.get("uid")
        where = f"annotation {i}"
        tag = f" (uid {uid})" if isinstance(uid, str) and uid else ""
        try:
            if not isinstance(uid, str) or not uid.strip():
                raise AnnotationError(f"uid: missing or not text ({uid!r})")
            for field in ("target_type", "target_key", "action", "created_at"):
                if not isinstance(r.get(field), str):
                    raise AnnotationError(f"{field}: missing or not text ({r.get(field)!r})")
            target_type, target_key, action = str(r["target_type"]), str(r["target_key"]), str(r["action"])
            try:
                analyst = check_analyst(r.get("analyst"))
            except AnnotationError as exc:
                raise AnnotationError(f"analyst: {exc}") from None
            created_at = str(r["created_at"])
            if parse_time(created_at) is None:
                raise AnnotationError(f"created_at: not an ISO time ({created_at!r})")
            if target_type not in TARGET_TYPES:
                raise AnnotationError(f"unknown target_type {target_type!r}")
            if action not in ANNOTATION_ACTIONS:
                raise AnnotationError(f"unknown action {action!r}")
            payload = r.get("payload") or {}
            if not isinstance(payload, dict):
                raise AnnotationError("payload must be an object")
            payload = check_stored_payload(target_type, target_key, action, payload)
            undoes_uid = r.get("undoes_uid") or None
            if action == "undo" and not isinstance(undoes_uid, str):
                raise AnnotationError("undo without undoes_uid")
            if action != "undo" and undoes_uid is not None:
                raise AnnotationError(f"undoes_uid: only an undo undoes something, not {action!r}")
            key_hash = target_key.split(":", 1)[0]
            content_hash = r.get("content_hash") or key_hash
            if content_hash != key_hash:
                raise AnnotationError(f"content_hash {content_hash!r} does not match target_key")
        except AnnotationError as exc:
            raise AnnotationError(f"{where}: {exc}{tag}") from exc
        row = {
            "uid": uid,
            "target_type": target_type,
            "target_key": target_key,
            "content_hash": content_hash,
            "action": action,
            "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
            "analyst": analyst,
            "created_at": created_at,
            "undoes_uid": undoes_uid,
        }
        seen = by_uid.get(uid)
        if seen is not None:
            if not same_annotation(seen, row):
                raise AnnotationError(
                    f"{where}: uid {uid} appears twice in the file with different content; "
                    "nothing was imported"
                )
            continue  # the same row twice: importing it once is enough
        by_uid[uid] = row
        clean.append(row)
    return log_order(
        clean,
        ident=lambda r: r["uid"],
        after=lambda r: r["undoes_uid"],
        key=lambda r: parse_time(r["created_at"]) or _EPOCH,
    )
