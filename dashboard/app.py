"""conflictmap dashboard: `conflictmap dashboard` (or `make dashboard` in a checkout).

The launcher (`geo.cli.dashboard`) runs this file with the settings in `.streamlit/config.toml` beside it
and with the folder holding `geo` and `dashboard` on the import path, so no path set-up happens here.
The page is wiring only: the view (date, filters) lives in the URL, `dashboard.data` asks `geo` for the
layers, `geo.render.leaflet` draws them offline, and the panels call the store for annotations and ingest.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import annotate, auth, data, ingest, reader, urlstate
from dashboard.safe import as_text, md
from dashboard.urlstate import ViewState
from geo.credentials import User
from geo.render import leaflet as mapview
from geo.store import AnnotationError, Store

_log = logging.getLogger("conflictmap.dashboard")

MAP_KEY = "map"
PLAY_DELAY_S = 1.0
NEAR_DEG = 0.01  # a click on a marker returns the marker's own coordinates; this absorbs rounding


@st.cache_resource(show_spinner=False)
def get_store(path: str) -> Store:
    return Store(path)


def _init_state(store: Store) -> None:
    """First run of a session: widget values from the URL (a shared link opens the same view)."""
    if st.session_state.get("_init"):
        return
    view = urlstate.parse(st.query_params)
    lo, hi = data.date_bounds(store)
    st.session_state["date"] = min(max(view.date or hi, lo), hi)
    if view.date is not None and view.date != st.session_state["date"]:
        # a shared link may ask for a day outside the data: the map moves to the nearest end, and says so
        st.session_state["_date_moved"] = (view.date, st.session_state["date"], lo, hi)
    st.session_state["f_country"] = view.countries
    st.session_state["f_actor"] = view.actors
    st.session_state["f_kind"] = view.kinds
    st.session_state["f_lang"] = view.languages
    st.session_state["f_minconf"] = view.min_confidence
    st.session_state["f_article"] = view.article_id
    st.session_state["osm"] = view.osm
    st.session_state["_init"] = True


def _view() -> ViewState:
    return ViewState(
        date=st.session_state.get("date"),
        countries=list(st.session_state.get("f_country") or []),
        actors=list(st.session_state.get("f_actor") or []),
        kinds=list(st.session_state.get("f_kind") or []),
        languages=list(st.session_state.get("f_lang") or []),
        min_confidence=float(st.session_state.get("f_minconf") or 0.0),
        article_id=st.session_state.get("f_article"),
        osm=bool(st.session_state.get("osm")),
    )


# --- callbacks (run before the script, so they may set widget values) ---------------------------------


def _goto_event(dates: list[dt.date], forward: bool) -> None:
    current = st.session_state["date"]
    if forward:
        later = [d for d in dates if d > current]
        if later:
            st.session_state["date"] = later[0]
    else:
        earlier = [d for d in dates if d < current]
        if earlier:
            st.session_state["date"] = earlier[-1]


def _toggle_play() -> None:
    st.session_state["playing"] = not st.session_state.get("playing", False)


def _article_chosen(articles: pd.DataFrame, bounds: tuple[dt.date, dt.date]) -> None:
    """Choosing an article moves the date to the article's date (when it has one)."""
    aid = st.session_state.get("f_article")
    st.session_state.pop("selected", None)
    if aid is None:
        return
    row = articles[articles["article_id"] == aid]
    if len(row) and pd.notna(row.iloc[0]["date"]):
        day = row.iloc[0]["date"].date()
        st.session_state["date"] = min(max(day, bounds[0]), bounds[1])


def _mention_chosen(mentions: pd.DataFrame) -> None:
    key = st.session_state.get("reader_mention")
    if not key:
        return
    hit = mentions[mentions["target_key"] == key]
    if len(hit):
        r = hit.iloc[0]
        st.session_state["selected"] = {"type": "mention", "key": key}
        if pd.notna(r["latitude"]):
            st.session_state["sel_point"] = (float(r["latitude"]), float(r["longitude"]))
            st.session_state["_center"] = [float(r["latitude"]), float(r["longitude"])]


def _event_label(r: dict) -> str:
    evidence = as_text(r.get("evidence"))[:80]
    actor = as_text(r.get("actor")) or "unknown actor"
    return f"#{r.get('event_id')} {as_text(r.get('kind'))} {as_text(r.get('place'))} ({actor}): {evidence}"


def _clear_filters() -> None:
    """Every filter back to "no restriction" (the URL follows at the end of the run)."""
    for key in ("f_country", "f_actor", "f_kind", "f_lang"):
        st.session_state[key] = []
    st.session_state["f_minconf"] = 0.0
    st.session_state["f_article"] = None
    st.session_state.pop("selected", None)


def _filter_summary(view: ViewState) -> str:
    parts = [
        f"{name}: {', '.join(values)}"
        for name, values in (
            ("country", view.countries),
            ("actor", view.actors),
            ("kind", view.kinds),
            ("language", view.languages),
        )
        if values
    ]
    if view.min_confidence > 0:
        parts.append(f"minimum confidence {view.min_confidence:g}")
    if view.article_id is not None:
        parts.append(f"article #{view.article_id}")
    return "; ".join(parts)


def empty_filter_notice(store: Store, view: ViewState, counts: dict[str, int]) -> None:
    """Say so when the filters leave no event or held place on the map, with one button that clears them
    all (mentions have no actor or kind, so they may still show: they do not count as a match)."""
    if not data.filters_active(view) or any(counts.get(k) for k in ("control", "provinces", "events")):
        return
    summary = md(_filter_summary(view))
    if data.events_match(store, view):
        day = view.date.isoformat() if view.date else "this date"
        st.info(f"No event up to {day} matches these filters ({summary}); they match events at later dates.")
    else:
        st.warning(f"No event matches these filters ({summary}).")
    st.button("Clear filters", key="clear_filters", on_click=_clear_filters, type="primary")


def date_moved_notice(date: dt.date) -> None:
    """A link's `?date=` outside the data was moved to the nearest end: say which date was asked and
    which one is shown (until the analyst moves the date)."""
    moved = st.session_state.get("_date_moved")
    if not moved:
        return
    asked, shown, lo, hi = moved
    if date != shown:
        st.session_state.pop("_date_moved", None)
        return
    st.warning(
        f"The link asks for {asked.isoformat()}, outside the data ({lo.isoformat()} to {hi.isoformat()}): "
        f"showing {shown.isoformat()} instead."
    )


def _undated_chosen() -> None:
    key = st.session_state.get("undated_pick")
    if key:
        st.session_state["selected"] = {"type": "event", "key": key}
        st.session_state.pop("sel_point", None)


# --- page parts -------------------------------------------------------------------------------------


def sidebar(
    store: Store,
    opts: data.Options,
    articles: pd.DataFrame,
    bounds: tuple[dt.date, dt.date],
    user: User | None,
) -> str:
    """Filters and panels; returns the analyst name for annotations ('' when this session may not annotate).

    Signed in, the analyst is the login (no free-text name); a viewer gets no import or ingest panel."""
    sb = st.sidebar
    sb.title("conflictmap")
    if user is None:
        analyst = sb.text_input("Analyst name", key="analyst", help="Stored with every annotation you make.")
    else:
        sb.text(f"Signed in as {user.name} ({user.role})")
        sb.button("Sign out", key="sign_out", on_click=auth.sign_out)
        analyst = user.name if user.can_annotate else ""
    editable = user is None or user.can_annotate
    sb.subheader("Filters")
    for key, allowed in (
        ("f_country", opts.countries),
        ("f_actor", opts.actors),
        ("f_kind", opts.kinds),
        ("f_lang", opts.languages),
    ):
        # a shared link may name a value this store does not hold: drop it instead of failing
        st.session_state[key] = [v for v in st.session_state.get(key) or [] if v in allowed]
    sb.multiselect("Country", list(opts.countries), key="f_country")
    sb.multiselect("Actor", list(opts.actors), key="f_actor")
    sb.multiselect("Event kind", list(opts.kinds), key="f_kind")
    sb.slider("Minimum confidence", 0.0, 1.0, step=0.05, key="f_minconf")
    sb.multiselect("Language", list(opts.languages), key="f_lang")
    ids = [None, *[int(a) for a in articles["article_id"]]]
    if st.session_state.get("f_article") not in ids:
        st.session_state["f_article"] = None
    labels = {int(r["article_id"]): reader.article_label(r) for r in articles.to_dict("records")}
    sb.selectbox(
        "Article",
        ids,
        format_func=lambda a: "All articles" if a is None else labels.get(a, str(a)),
        key="f_article",
        on_change=_article_chosen,
        args=(articles, bounds),
    )
    sb.checkbox(
        "Online basemap (OpenStreetMap tiles)",
        key="osm",
        help="Off by default: the bundled boundaries need no network. On, the browser fetches tiles "
        "from tile.openstreetmap.org (online, opt-in).",
    )
    with sb.expander("Annotations: export / import" if editable else "Annotations: export"):
        payload = json.dumps(store.export_annotations(), ensure_ascii=False, indent=1)
        st.download_button(
            "Export annotations (JSON)", payload, file_name="annotations.json", mime="application/json"
        )
        if editable:
            _import_panel(store)
    if editable:
        with sb.expander("Add articles (upload or paste)"):
            ingest_panel(store)
    return analyst or ""


def _import_panel(store: Store) -> None:
    up = st.file_uploader("Import annotations (JSON)", type=["json"], key="ann_upload")
    if up is not None and st.button("Import", key="ann_import"):
        try:
            rows = json.loads(up.getvalue().decode("utf-8"))
            n = store.import_annotations(rows if isinstance(rows, list) else [])
            st.success(f"Imported {n} new annotation(s)")
        except (ValueError, AnnotationError) as exc:
            st.error(f"Import failed: {md(exc)}")


def ingest_panel(store: Store) -> None:
    files = st.file_uploader(
        "Files (.txt, .html, .json, .jsonl, .csv)", accept_multiple_files=True, key="ingest_files"
    )
    pasted = st.text_area("...or paste an article", key="ingest_text", height=120)
    title = st.text_input("Title of the pasted article (optional)", key="ingest_title")
    date = st.text_input("Date of the pasted article (optional, YYYY-MM-DD)", key="ingest_date")
    if st.button("Ingest", key="ingest_go"):
        uploads = [(f.name, f.getvalue()) for f in files or []]
        with st.spinner("Geoparsing..."):
            report = ingest.ingest_uploads(store, uploads, pasted, title, date)
        st.session_state["ingest_report"] = report
    report = st.session_state.get("ingest_report")
    if report is not None:
        (st.error if report.rejected and not report.new else st.success)(report.summary())
        table = pd.DataFrame(
            [
                {
                    "file": f.source,
                    "status": f.status,
                    "articles": f.articles,
                    "mentions": f.mentions,
                    "events": f.events,
                    "reason": f.reason,
                }
                for f in report.files
            ]
        )
        st.dataframe(table, hide_index=True)
        for f in report.rejected:
            st.warning(f"{md(f.source)}: {md(f.reason)}")


def time_bar(store: Store, view: ViewState, bounds: tuple[dt.date, dt.date]) -> None:
    dates = data.event_dates(store, view)
    c_prev, c_play, c_next, c_slider = st.columns([1, 1, 1, 9], vertical_alignment="bottom")
    c_prev.button(
        "◀ Event",
        key="prev_event",
        on_click=_goto_event,
        args=(dates, False),
        help="Previous date with an event",
    )
    c_play.button(
        "⏸ Pause" if st.session_state.get("playing") else "▶ Play", key="play", on_click=_toggle_play
    )
    c_next.button(
        "Event ▶", key="next_event", on_click=_goto_event, args=(dates, True), help="Next date with an event"
    )
    c_slider.slider(
        "Date",
        min_value=bounds[0],
        max_value=bounds[1],
        step=dt.timedelta(days=1),
        format="YYYY-MM-DD",
        key="date",
    )


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _near(df: pd.DataFrame | None, lat: float, lon: float) -> pd.DataFrame:
    if df is None or len(df) == 0:
        return pd.DataFrame()
    mask = ((df["latitude"].astype(float) - lat).abs() < NEAR_DEG) & (
        (df["longitude"].astype(float) - lon).abs() < NEAR_DEG
    )
    return df[mask]


def _map_changed() -> None:
    """st_folium's on_change: runs before the rerun, so a click updates the selection in the same run.

    A click on a marker selects the place (its items are listed for annotation); a click elsewhere on the
    map is kept as a candidate point for "set point"."""
    out = st.session_state.get(MAP_KEY) or {}
    obj = out.get("last_object_clicked")
    if obj and obj != st.session_state.get("_last_obj"):
        st.session_state["_last_obj"] = obj
        st.session_state["sel_point"] = (float(obj["lat"]), float(obj["lng"]))
        st.session_state.pop("selected", None)
    click = out.get("last_clicked")
    if click and click != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = click
        st.session_state["map_click"] = click


def selection_panel(store: Store, layers: mapview.MapLayers, analyst: str, editable: bool = True) -> None:
    point = st.session_state.get("sel_point")
    selected = st.session_state.get("selected")
    if point is None and not selected:
        st.info(
            "Click a marker on the map, or choose a place in the article reader, to inspect and annotate it."
        )
        return
    mentions_all = store.mentions_df()
    events_all = store.events_df()
    targets: list[tuple[str, dict]] = []
    if point is not None:
        lat, lon = point
        for rec in _near(layers.control, lat, lon).to_dict("records"):
            holder = mapview.holder_text(rec.get("controller"), rec.get("state"))
            since = md(mapview.date_text(rec.get("since"), rec.get("since_precision")))
            if holder == mapview.VACATED:
                left = as_text(rec.get("previous_controller"))
                st.markdown(
                    f"**{md(rec.get('name'))}**: {md(holder)} since {since}"
                    + (f", left by **{md(left)}**" if left else "")
                )
            else:
                st.markdown(f"**{md(rec.get('name'))}**: held by **{md(holder)}** since {since}")
            if as_text(rec.get("evidence")):
                origin = as_text(rec.get("title")) or as_text(rec.get("source"))
                st.caption(f"“{md(rec['evidence'])}” — {md(origin)}")
        ev_here = _near(events_all[events_all["latitude"].notna()], lat, lon)
        me_here = _near(mentions_all[mentions_all["latitude"].notna()], lat, lon)
        targets += [("event", r) for r in ev_here.to_dict("records")]
        targets += [("mention", r) for r in me_here.head(200).to_dict("records")]
    if selected:
        frame = mentions_all if selected["type"] == "mention" else events_all
        hit = frame[frame["target_key"] == selected["key"]]
        if len(hit) and not any(
            t == selected["type"] and r["target_key"] == selected["key"] for t, r in targets
        ):
            targets.insert(0, (selected["type"], hit.iloc[0].to_dict()))
    if not targets:
        st.info(
            "Click a marker on the map, or choose a place in the article reader, to inspect and annotate it."
        )
        return

    by_id = {f"{t}|{r['target_key']}": (t, r) for t, r in targets}

    def label(option: str) -> str:
        t, r = by_id[option]
        article = as_text(r.get("title")) or as_text(r.get("source"))
        if t == "event":
            return (
                f"event #{r.get('event_id')}: {as_text(r.get('kind'))} "
                f"{as_text(r.get('place')) or as_text(r.get('place_text'))} "
                f"({as_text(r.get('actor')) or 'unknown actor'}) · {article}"
            )
        return f"mention: “{as_text(r.get('text'))}” at {r.get('start')} in {article}"

    options = list(by_id)
    wanted = f"{selected['type']}|{selected['key']}" if selected else None
    if wanted in by_id and st.session_state.get("_sel_wanted") != wanted:
        # a new selection from the reader or the map: show it, whatever was picked before
        st.session_state["sel_item"] = wanted
    st.session_state["_sel_wanted"] = wanted
    choice = st.selectbox("Item at this place", options, format_func=label, key="sel_item")
    t, row = by_id[choice]
    annotate.render_panel(
        store,
        t,
        row,
        analyst=analyst,
        editable=editable,
        last_clicked=st.session_state.get("map_click"),
        mentions=mentions_all,
        key=annotate.panel_key(t, row["target_key"]),
    )


def downloads_panel(store: Store, view: ViewState) -> None:
    """Static map and data exports of the current view, made by geo.export (same code and the same format
    registry as the CLI)."""
    import geo.export as export
    from geo.export import formats

    flt = data.layer_filter(view)
    country = view.countries[0] if len(view.countries) == 1 else None
    signature = (str(view), store.generation())
    stem = f"conflictmap_{view.date.isoformat() if view.date else 'all'}"
    c_map, c_data = st.columns(2)
    fmt = c_map.selectbox("Map format", formats.names("map"), key="dl_map_fmt")
    if c_map.button("Prepare map", key="dl_map_go"):
        try:
            with st.spinner("Rendering the map..."):
                blob = export.map_bytes(
                    store,
                    view.date,
                    fmt=fmt,
                    flt=flt,
                    country=country,
                    layers=("control", "events"),
                    palette=data.palette(store),
                )
            st.session_state["dl_map"] = (signature, fmt, blob)
        except export.ExportError as exc:
            c_map.error(md(exc))
    held = st.session_state.get("dl_map")
    if held and held[0] == signature:
        c_map.download_button(
            f"Download map ({held[1].upper()})",
            held[2],
            file_name=f"{stem}{formats.get(held[1]).suffix}",
            mime=formats.get(held[1]).mime,
            key="dl_map_btn",
        )
    dfmt = c_data.selectbox("Data format", formats.names("data"), key="dl_data_fmt")
    if c_data.button("Prepare data", key="dl_data_go"):
        try:
            with st.spinner("Exporting..."):
                blob = export.data_bytes(store, dfmt, date=view.date, flt=flt, country=country)
            st.session_state["dl_data"] = (signature, dfmt, blob)
        except export.ExportError as exc:
            c_data.error(md(exc))
    held = st.session_state.get("dl_data")
    if held and held[0] == signature:
        c_data.download_button(
            f"Download data ({held[1].upper()})",
            held[2],
            file_name=f"{stem}{formats.get(held[1]).suffix}",
            mime=formats.get(held[1]).mime,
            key="dl_data_btn",
        )
    st.caption("Exports apply the same date and filters as the map, with analyst annotations.")


def reader_tab(store: Store, view: ViewState, articles: pd.DataFrame) -> None:
    st.dataframe(reader.article_table(articles), hide_index=True, height=200)
    aid = view.article_id
    if aid is None:
        st.caption("Choose an article in the sidebar (Article) to read it with its places highlighted.")
        return
    art = store.article(aid)
    if not art:
        st.warning("That article is not in the store.")
        return
    mentions = store.mentions_df(aid)
    st.markdown(f"#### {md(as_text(art.get('title')) or Path(str(art.get('source'))).name)}")
    when = reader.article_label(art).split(" · ")[0]
    st.caption(md(f"{art.get('source')} · {art.get('language') or '?'} · {when}"))
    if len(mentions):
        options = [None, *mentions.sort_values("start")["target_key"].tolist()]
        by_key = {r["target_key"]: r for r in mentions.to_dict("records")}
        st.selectbox(
            "Place in this article",
            options,
            format_func=lambda k: (
                "—"
                if k is None
                else (
                    f"{by_key[k]['text']} (at {by_key[k]['start']}) → "
                    f"{as_text(by_key[k].get('name')) or 'unresolved'} "
                    f"[{reader.STATUS_LABEL[reader.mention_status(by_key[k])]}]"
                )
            ),
            key="reader_mention",
            on_change=_mention_chosen,
            args=(mentions,),
        )
    st.markdown(reader.legend_html(), unsafe_allow_html=True)
    sel = st.session_state.get("selected") or {}
    st.markdown(reader.highlight_html(art["text"], mentions, sel.get("key")), unsafe_allow_html=True)
    events = store.events_df(aid)
    if len(events):
        st.markdown("**Events read from this article**")
        table = events[["kind", "actor", "place", "event_date", "date_precision", "status", "evidence"]]
        table = table.assign(
            event_date=[
                mapview.date_text(d, p)
                for d, p in zip(table["event_date"], table["date_precision"], strict=True)
            ]
        ).drop(columns=["date_precision"])
        st.dataframe(table.rename(columns={"event_date": "date"}), hide_index=True)


def main() -> None:
    t_start = time.perf_counter()
    st.set_page_config(page_title="conflictmap", layout="wide")
    user = auth.require_login()  # draws only the login form (and stops) until someone signs in
    editable = user is None or user.can_annotate
    store = get_store(str(data.default_store_path()))
    _init_state(store)
    if "_pending_date" in st.session_state:  # set by Play at the end of the previous run
        st.session_state["date"] = st.session_state.pop("_pending_date")
    articles = store.articles_df()
    bounds = data.date_bounds(store)
    st.session_state["date"] = min(max(st.session_state["date"], bounds[0]), bounds[1])
    opts = data.options(store)
    analyst = sidebar(store, opts, articles, bounds, user)
    view = _view()

    annotate.show_flash()
    if articles.empty:
        st.info("The store is empty: add articles in the sidebar (upload or paste), or run `make seed`.")
    time_bar(store, view, bounds)
    view = _view()
    date = view.date
    # Notices come and go; each lives in a container that is always there, so the elements after it (the
    # map) keep their place in the page and the map iframe is not remounted (that would lose its state).
    with st.container():
        date_moved_notice(date)

    if st.session_state.get("_since_for") != date:
        st.session_state["_since"] = data.previous_step(date, st.session_state.get("_shown_date"))
        st.session_state["_since_for"] = date
    since = st.session_state["_since"]
    st.session_state["_shown_date"] = date

    layers = data.map_layers(store, view, date, since)
    colours = data.palette(store)
    boundaries = data.boundaries(data.data_countries(store), not view.osm)
    if boundaries.get("error"):
        st.warning(f"No offline basemap: the gazetteer could not be loaded ({md(boundaries['error'])}).")
    built = mapview.build_map(layers, boundaries, colours, osm_tiles=view.osm, bounds=data.data_bounds(store))
    overlays = list(built.overlays)
    point = st.session_state.get("sel_point")
    if point is not None:
        overlays.append(mapview.selection_group(point[0], point[1], "selected"))

    col_map, col_side = st.columns([3, 2])
    with col_map:
        c = built.counts
        with st.container():  # always present: see the date notice above
            empty_filter_notice(store, view, c)
        st.caption(
            f"Control at **{date.isoformat()}** · {_n(c['control'], 'place')} with a control change, "
            f"{_n(c['provinces'], 'province')} shaded, {_n(c['events'], 'event')} "
            f"(new since {since.isoformat()} emphasised), {_n(c['mentions'], 'mention')}"
        )
        st_folium(
            built.base,
            key=MAP_KEY,
            height=620,
            use_container_width=True,
            feature_group_to_add=overlays,
            layer_control=built.layer_control(),
            center=st.session_state.get("_center"),
            returned_objects=["last_object_clicked", "last_clicked"],
            on_change=_map_changed,
        )
    with col_side:
        st.subheader("Selected place")
        selection_panel(store, layers, analyst, editable)

    with col_map.expander("Download map or data"):
        downloads_panel(store, view)

    tab_read, tab_hist, tab_undated = st.tabs(["Article reader", "Annotation history", "Undated events"])
    with tab_read:
        reader_tab(store, view, articles)
    with tab_hist:
        history = store.annotation_history()
        if len(history):
            annotate.render_history(store, history, analyst=analyst, key="hist_all", editable=editable)
        else:
            st.caption("No annotations yet.")
    with tab_undated:
        from geo.maps.layers import undated_events

        und = undated_events(store, data.layer_filter(view))
        if len(und):
            st.caption(
                "These events have no date, so they cannot be placed on the time-keyed map. Choose one to "
                "give it a date (Edit event) in the panel beside the map."
                if editable
                else "These events have no date, so they cannot be placed on the time-keyed map."
            )
            st.dataframe(und[["kind", "actor", "place", "evidence", "title", "status"]], hide_index=True)
            keys = [None, *und["target_key"].tolist()]
            by_key = {r["target_key"]: r for r in und.to_dict("records")}
            st.selectbox(
                "Annotate an undated event",
                keys,
                format_func=lambda k: "—" if k is None else _event_label(by_key[k]),
                key="undated_pick",
                on_change=_undated_chosen,
            )
        else:
            st.caption("Every event has a date.")

    urlstate.write(st.query_params, view)
    if os.environ.get("CONFLICTMAP_TIMING"):  # diagnostics: server time of each script run
        _log.warning("script run %.2f s", time.perf_counter() - t_start)

    if st.session_state.get("playing"):
        if date >= bounds[1]:
            st.session_state["playing"] = False
        else:
            time.sleep(PLAY_DELAY_S)
            st.session_state["_pending_date"] = date + dt.timedelta(days=1)
            st.rerun()


main()
