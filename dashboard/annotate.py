"""Annotation panel: an analyst confirms, corrects or rejects one mention or event.

Every button writes one append-only annotation through `geo.store.sqlite.Store.annotate` in an `on_click`
callback, i.e. *before* the script reruns, so the map and reader drawn in that rerun already show the
change. `expected_last` (the newest annotation id the analyst saw) makes a concurrent edit by a colleague
an explicit error instead of a silent overwrite.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.safe import as_text, md
from geo.model import EVENT_KINDS
from geo.render.leaflet.tables import date_text
from geo.store import AnnotationError, Store, place_fields

PRECISIONS = ["day", "month", "year"]


def _flash(kind: str, text: str) -> None:
    st.session_state.setdefault("_flash", []).append((kind, text))


def show_flash() -> None:
    """Show messages left by callbacks (success / error of the last action); they may quote names and
    payloads, so they are shown escaped (`md`)."""
    for kind, text in st.session_state.pop("_flash", []):
        (st.success if kind == "ok" else st.error)(md(text))


def _expected(row: dict) -> int | None:
    value = row.get("last_annotation_id")
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return int(value)


def do_annotate(
    store: Store, target_type: str, row: dict, action: str, payload: dict | None, analyst: str
) -> int | None:
    """Write one annotation; errors become a visible message, never a traceback."""
    try:
        ann_id = store.annotate(
            target_type,
            row["target_key"],
            action,
            payload or {},
            analyst=analyst,
            expected_last=_expected(row),
        )
    except AnnotationError as exc:
        _flash("err", str(exc))
        return None
    _flash("ok", f"Saved: {action.replace('_', ' ')} (annotation #{ann_id} by {analyst})")
    return ann_id


def do_undo(store: Store, annotation_id: int, analyst: str) -> None:
    try:
        store.undo(int(annotation_id), analyst=analyst)
    except AnnotationError as exc:
        _flash("err", str(exc))
        return
    _flash("ok", f"Undid annotation #{annotation_id}")


def _cb_simple(store: Store, target_type: str, row: dict, action: str, analyst: str) -> None:
    do_annotate(store, target_type, row, action, {}, analyst)


def _cb_candidate(store: Store, target_type: str, row: dict, analyst: str, key: str) -> None:
    choice = st.session_state.get(key)
    if not choice:
        _flash("err", "Pick a candidate first")
        return
    do_annotate(store, target_type, row, "choose_candidate", {"geonameid": int(choice["geonameid"])}, analyst)


def _cb_search_pick(store: Store, target_type: str, row: dict, analyst: str, key: str) -> None:
    place = st.session_state.get(key)
    if not place:
        _flash("err", "Search the gazetteer and pick a place first")
        return
    do_annotate(store, target_type, row, "set_place", place, analyst)


def _cb_point(store: Store, target_type: str, row: dict, analyst: str, point: dict, name_key: str) -> None:
    payload = {"latitude": float(point["lat"]), "longitude": float(point["lng"])}
    name = (st.session_state.get(name_key) or "").strip()
    if name:
        payload["name"] = name
    do_annotate(store, target_type, row, "set_point", payload, analyst)


def _cb_edit_event(store: Store, row: dict, analyst: str, prefix: str) -> None:
    changes: dict[str, Any] = {}
    kind = st.session_state.get(f"{prefix}_kind")
    if kind and kind != row.get("kind"):
        changes["kind"] = kind
    actor = (st.session_state.get(f"{prefix}_actor") or "").strip()
    if actor != as_text(row.get("actor")):
        changes["actor"] = actor or None
    date = st.session_state.get(f"{prefix}_date")  # None when the analyst clears the field
    old_date = _date(row.get("event_date"))
    if date != old_date:
        changes["event_date"] = date.isoformat() if date else None
    # the form shows the current precision; it is kept unless the analyst picks another, and it always
    # travels with a new date (a date alone would leave the event with whatever precision the store had
    # before any re-dating, e.g. none for an event dated through its article)
    old_precision = as_text(row.get("date_precision")) or None
    precision = (st.session_state.get(f"{prefix}_precision") or old_precision or "day") if date else None
    if precision != old_precision or "event_date" in changes:
        changes["date_precision"] = precision
    if not changes:
        _flash("err", "Nothing changed")
        return
    do_annotate(store, "event", row, "edit_event", changes, analyst)


def _cb_note(store: Store, target_type: str, row: dict, analyst: str, key: str) -> None:
    text = (st.session_state.get(key) or "").strip()
    if not text:
        _flash("err", "Write a note first")
        return
    if do_annotate(store, target_type, row, "note", {"text": text}, analyst) is not None:
        st.session_state[key] = ""


def _date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return pd.Timestamp(value).date()


def _place_label(c: dict) -> str:
    score = c.get("score")
    admin = f", {c['admin1_code']}" if c.get("admin1_code") else ""
    pop = f", pop. {int(c['population']):,}" if c.get("population") else ""
    sc = f" — score {float(score):.2f}" if score is not None else ""
    return f"{c.get('name')} ({c.get('country_code') or '?'}{admin}{pop}){sc}"


def gazetteer_search(query: str, limit: int = 10) -> list[dict]:
    """Places matching `query` in the bundled gazetteer, as set_place payloads (best first)."""
    if not query.strip():
        return []
    from geo.gazetteer.lookup import get_gazetteer

    gaz = get_gazetteer()
    results = gaz.lookup(query.strip())
    out: list[dict] = []
    for item in list(results)[:limit]:
        place = getattr(item, "place", item)  # Candidate or Place
        out.append({**place_fields(place), "population": getattr(place, "population", 0)})
    return out


def candidates_for(store: Store, target_type: str, row: dict, mentions: pd.DataFrame | None) -> list[dict]:
    """The resolver's alternatives: a mention's own, or those of the mention an event was read from."""
    mention_id = None
    if target_type == "mention":
        mention_id = row.get("mention_id")
    elif mentions is not None and len(mentions) and row.get("mention_start") is not None:
        try:
            start = int(row["mention_start"])
        except (TypeError, ValueError):
            start = None
        if start is not None:
            hit = mentions[(mentions["article_id"] == row.get("article_id")) & (mentions["start"] == start)]
            if len(hit):
                mention_id = hit.iloc[0]["mention_id"]
    if mention_id is None:
        return []
    return list(store.candidates(int(mention_id)))


def panel_key(target_type: str, target_key: str) -> str:
    """Widget-key prefix per target, so that one item's half-typed edits never show on another."""
    import hashlib

    return "ann_" + hashlib.sha1(f"{target_type}|{target_key}".encode()).hexdigest()[:10]


def describe(target_type: str, row: dict) -> str:
    if target_type == "mention":
        where = as_text(row.get("name")) or "unresolved"
        return f"Mention **{md(row.get('text'))}** → {md(where)} ({md(row.get('country_code')) or '?'})"
    place = as_text(row.get("place")) or as_text(row.get("place_text")) or "?"
    when = date_text(row.get("event_date"), as_text(row.get("date_precision")) or None)
    return (
        f"Event **{md(row.get('kind'))}** at **{md(place)}** "
        f"by {md(row.get('actor')) or 'unknown actor'}, {md(when)}"
    )


def render_panel(
    store: Store,
    target_type: str,
    row: dict,
    *,
    analyst: str,
    last_clicked: dict | None,
    mentions: pd.DataFrame | None,
    key: str,
    editable: bool = True,
) -> None:
    """The controls for one target. `key` makes widget keys unique per target.

    With `editable=False` (a signed-in viewer) only the description and the history are drawn: no button
    that could reach `Store.annotate` exists on the page."""
    st.markdown(describe(target_type, row))
    st.caption(
        f"Status: {md(row.get('status')) or 'auto'}"
        + (f" · notes: {md(row.get('notes'))}" if as_text(row.get("notes")) else "")
    )
    if target_type == "event" and as_text(row.get("evidence")):
        st.markdown(f"> {md(row['evidence'])}")
    if not editable:
        history = store.annotation_history(target_type, row["target_key"])
        if len(history):
            st.markdown("**History of this item**")
            render_history(store, history, analyst="", key=f"{key}_hist", editable=False)
        return
    can = bool(analyst.strip())
    if not can:
        st.info("Set your analyst name in the sidebar to annotate.")
    c1, c2 = st.columns(2)
    c1.button(
        "Confirm",
        key=f"{key}_confirm",
        disabled=not can,
        on_click=_cb_simple,
        args=(store, target_type, row, "confirm", analyst),
    )
    reject_label = "Not a place" if target_type == "mention" else "Reject event"
    c2.button(
        reject_label,
        key=f"{key}_reject",
        disabled=not can,
        on_click=_cb_simple,
        args=(store, target_type, row, "not_a_place" if target_type == "mention" else "reject", analyst),
    )

    cands = candidates_for(store, target_type, row, mentions)
    if cands:
        st.selectbox("Other candidate", cands, format_func=_place_label, key=f"{key}_cand")
        st.button(
            "Use this candidate",
            key=f"{key}_cand_btn",
            disabled=not can,
            on_click=_cb_candidate,
            args=(store, target_type, row, analyst, f"{key}_cand"),
        )

    query = st.text_input("Search the gazetteer", key=f"{key}_q")
    if query:
        found = gazetteer_search(query)
        if found:
            st.selectbox("Result", found, format_func=_place_label, key=f"{key}_found")
            st.button(
                "Set this place",
                key=f"{key}_found_btn",
                disabled=not can,
                on_click=_cb_search_pick,
                args=(store, target_type, row, analyst, f"{key}_found"),
            )
        else:
            st.caption("No place of that name in the gazetteer.")

    if last_clicked:
        lat, lng = float(last_clicked["lat"]), float(last_clicked["lng"])
        st.text_input("Name for the clicked point (optional)", key=f"{key}_pt_name")
        st.button(
            f"Set point at map click ({lat:.4f}, {lng:.4f})",
            key=f"{key}_pt",
            disabled=not can,
            on_click=_cb_point,
            args=(store, target_type, row, analyst, {"lat": lat, "lng": lng}, f"{key}_pt_name"),
        )
    else:
        st.caption("Click the map to set a point for this item.")

    if target_type == "event":
        with st.expander("Edit event (kind, actor, date, precision)"):
            kind = row.get("kind") if row.get("kind") in EVENT_KINDS else "other"
            st.selectbox("Kind", list(EVENT_KINDS), index=list(EVENT_KINDS).index(kind), key=f"{key}_kind")
            st.text_input("Actor", value=as_text(row.get("actor")), key=f"{key}_actor")
            old = _date(row.get("event_date"))
            st.date_input(
                "Date (clear it for an undated event)",
                value=old,
                key=f"{key}_date",
                min_value=dt.date(1900, 1, 1),
                max_value=dt.date(2100, 12, 31),
            )
            prec = row.get("date_precision") if row.get("date_precision") in PRECISIONS else "day"
            st.selectbox("Precision", PRECISIONS, index=PRECISIONS.index(prec), key=f"{key}_precision")
            st.button(
                "Save event changes",
                key=f"{key}_edit",
                disabled=not can,
                on_click=_cb_edit_event,
                args=(store, row, analyst, key),
            )

    st.text_area("Note", key=f"{key}_note", height=68)
    st.button(
        "Add note",
        key=f"{key}_note_btn",
        disabled=not can,
        on_click=_cb_note,
        args=(store, target_type, row, analyst, f"{key}_note"),
    )

    history = store.annotation_history(target_type, row["target_key"])
    if len(history):
        st.markdown("**History of this item**")
        render_history(store, history, analyst=analyst, key=f"{key}_hist")


def render_history(
    store: Store, history: pd.DataFrame, *, analyst: str, key: str, limit: int = 50, editable: bool = True
) -> None:
    """Annotation rows, newest first, each active one with an Undo button (none when not `editable`)."""
    can = bool(analyst.strip())
    for rec in history.head(limit).to_dict("records"):
        cols = st.columns([5, 1])
        # `status` (active | undone | invalid) comes from the store; an invalid row (a payload that no longer
        # passes the checks) is skipped by every read and can be undone here to clear it from the history.
        state = str(
            rec.get("status") or ("active" if rec.get("active") else ("undone" if rec.get("undone") else ""))
        )
        if state == "invalid" and rec.get("problem"):
            state = f"invalid: {rec['problem']}"
        payload = rec.get("payload") or {}
        detail = ", ".join(f"{k}={v}" for k, v in payload.items() if v not in (None, ""))
        cols[0].markdown(
            f"`#{int(rec['annotation_id'])}` **{md(rec['action'])}** {md(detail)} — {md(rec['analyst'])}, "
            f"{md(str(rec['created_at'])[:19].replace('T', ' '))} UTC · {md(state)}"
        )
        if editable and rec.get("active") and rec["action"] != "undo":
            cols[1].button(
                "Undo",
                key=f"{key}_undo_{rec['annotation_id']}",
                disabled=not can,
                on_click=do_undo,
                args=(store, int(rec["annotation_id"]), analyst),
            )
