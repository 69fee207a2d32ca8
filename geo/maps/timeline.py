"""Territorial control as intervals per place, derived from the (annotation-applied) events.

Why intervals and not a single "latest label": control maps (ISW, Long War Journal) must say since when a
place is held and which report opened and closed each period; an interval table answers "who held X on
date D" for every D and keeps the evidence of both ends.

Rules (applied per place, in date order; ties by date precision, article date, event id):

* ``captured`` by actor A: if A already holds the place the event *confirms* the open interval
  (``n_confirmations``/``last_confirmed``); otherwise it closes the open interval and opens one for A.
* ``withdrew`` by actor A: closes the open interval (whoever held it) and opens a *vacated* interval
  (``controller`` None, ``state`` "vacated", ``previous_controller`` A).
* ``attacked``, ``besieged``, ``ceasefire``, ``other``: no change of control.
* Events without a known date, without a location, without an actor (for captured/withdrew), or rejected
  by an analyst do not enter the timeline: :func:`unplaced_control_events` lists them, with the reason, so
  the dashboard can show them instead of silently dropping them. A month- or year-precision date counts
  from the first day of its period (and ``start_precision`` says so).

Places are keyed by ``place_key``: ``"g<geonameid>"`` when the event has a gazetteer id, else
``"p<lat>,<lon>"`` (an analyst-set point), so corrected places group correctly.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = [
    "CONTROL_KINDS",
    "INTERVAL_COLUMNS",
    "STATE_COLUMNS",
    "control_at",
    "control_intervals",
    "place_keys",
    "pressure_events",
    "state_at",
    "to_timestamp",
    "unplaced_control_events",
]

CONTROL_KINDS = ("captured", "withdrew")
#: Kinds that make a held place "contested" when reported after it changed hands (by someone else).
PRESSURE_KINDS = ("attacked", "besieged")

#: Columns of :func:`control_intervals`.
INTERVAL_COLUMNS = [
    "place_key",
    "geonameid",
    "name",
    "latitude",
    "longitude",
    "country_code",
    "admin1_code",
    "controller",
    "state",
    "previous_controller",
    "start_date",
    "start_precision",
    "end_date",
    "opened_by_event",
    "closed_by_event",
    "evidence",
    "article_id",
    "source",
    "title",
    "confidence",
    "status",
    "n_confirmations",
    "last_confirmed",
    "confirmed_by",
    "seq",
]

#: Columns of :func:`control_at` / :func:`state_at`.
STATE_COLUMNS = [
    "place_key",
    "geonameid",
    "name",
    "latitude",
    "longitude",
    "country_code",
    "admin1_code",
    "controller",
    "state",
    "previous_controller",
    "since",
    "since_precision",
    "opened_by_event",
    "evidence",
    "article_id",
    "source",
    "title",
    "confidence",
    "status",
    "last_confirmed",
    "n_changes",
    "event_ids",
    "contested",
    "contested_by",
    "last_attack",
]

_PREC_RANK = {"year": 0, "month": 1, "day": 2}


def to_timestamp(date: Any) -> pd.Timestamp | None:
    """Normalise a date-ish value (date, datetime, 'YYYY-MM-DD', Timestamp) to a midnight Timestamp."""
    if date is None:
        return None
    ts = pd.Timestamp(date)
    if pd.isna(ts):
        return None
    return ts.normalize()


def place_keys(events: pd.DataFrame) -> pd.Series:
    """The per-place grouping key: ``g<geonameid>`` or ``p<lat>,<lon>`` (4 decimals), NA if no place."""
    gid = events["geonameid"].astype("Int64")
    lat = events["latitude"].round(4).astype(str)
    lon = events["longitude"].round(4).astype(str)
    point = ("p" + lat + "," + lon).where(events["latitude"].notna() & events["longitude"].notna())
    return ("g" + gid.astype("string")).fillna(point.astype("string"))


def _eligible(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Split control events into those that enter the timeline and a reason for the others."""
    ev = events[events["kind"].isin(CONTROL_KINDS)]
    reason = pd.Series("", index=ev.index, dtype=object)
    reason[ev["status"] == "rejected"] = "rejected by analyst"
    reason[(reason == "") & ev["event_date"].isna()] = "no date"
    reason[(reason == "") & (ev["latitude"].isna() | ev["longitude"].isna())] = "no location"
    no_actor = ev["actor"].isna() | (ev["actor"].astype(str).str.strip() == "")
    reason[(reason == "") & no_actor] = "no actor"
    return ev, reason


def unplaced_control_events(events: pd.DataFrame) -> pd.DataFrame:
    """Captured/withdrew events that cannot enter the timeline, with a ``reason`` column."""
    ev, reason = _eligible(events)
    out = ev[reason != ""].copy()
    out["reason"] = reason[reason != ""]
    return out


_LATEST = pd.Timestamp("2262-01-01")


def control_intervals(events: pd.DataFrame) -> pd.DataFrame:
    """Control intervals per place (columns :data:`INTERVAL_COLUMNS`), ordered by place and time.

    ``events`` is a frame shaped like :meth:`geo.store.StoreBackend.events_df` (annotations applied). The last
    interval of each place has ``end_date`` NaT and ``closed_by_event`` NA. ``confirmed_by`` is a list of
    ``(event_id, date)`` of later reports by the same holder.
    """
    ev, reason = _eligible(events)
    ev = ev[reason == ""]
    if ev.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in INTERVAL_COLUMNS})
    ev = ev.assign(
        place_key=place_keys(ev),
        _prec=ev["date_precision"].map(_PREC_RANK).fillna(2),
        # undated articles sort last; a late date valid in both ns and us units (Timestamp.max is ns-only)
        _adate=ev["article_date"].fillna(_LATEST),
    ).sort_values(["place_key", "event_date", "_prec", "_adate", "event_id"], kind="mergesort")
    cols = ev[
        [
            "place_key",
            "event_id",
            "kind",
            "actor",
            "event_date",
            "date_precision",
            "geonameid",
            "place",
            "latitude",
            "longitude",
            "country_code",
            "admin1_code",
            "evidence",
            "article_id",
            "source",
            "title",
            "confidence",
            "status",
        ]
    ].itertuples(index=False, name=None)
    rows: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    current_place: str | None = None
    for (
        pkey,
        event_id,
        kind,
        actor,
        date,
        precision,
        gid,
        name,
        lat,
        lon,
        cc,
        a1,
        evidence,
        article_id,
        source,
        title,
        confidence,
        status,
    ) in cols:
        if pkey != current_place:
            current, current_place = None, pkey
        holder = current["controller"] if current is not None else None
        if kind == "captured" and current is not None and holder == actor:
            current["n_confirmations"] += 1
            current["last_confirmed"] = date
            current["confirmed_by"].append((int(event_id), date))
            continue
        if kind == "withdrew" and current is not None and current["state"] == "vacated":
            current["confirmed_by"].append((int(event_id), date))
            continue
        if current is not None:
            current["end_date"] = date
            current["closed_by_event"] = int(event_id)
        current = {
            "place_key": pkey,
            "geonameid": gid,
            "name": name,
            "latitude": lat,
            "longitude": lon,
            "country_code": cc,
            "admin1_code": a1,
            "controller": actor if kind == "captured" else None,
            "state": "held" if kind == "captured" else "vacated",
            "previous_controller": holder if kind == "captured" else (actor if holder is None else holder),
            "start_date": date,
            "start_precision": precision,
            "end_date": pd.NaT,
            "opened_by_event": int(event_id),
            "closed_by_event": None,
            "evidence": evidence,
            "article_id": int(article_id),
            "source": source,
            "title": title,
            "confidence": confidence,
            "status": status,
            "n_confirmations": 0,
            "last_confirmed": date,
            "confirmed_by": [],
            "seq": len(rows),
        }
        rows.append(current)
    out = pd.DataFrame(rows, columns=INTERVAL_COLUMNS)
    out["geonameid"] = out["geonameid"].astype("Int64")
    out["closed_by_event"] = out["closed_by_event"].astype("Int64")
    out["end_date"] = pd.to_datetime(out["end_date"])
    return out


def pressure_events(events: pd.DataFrame) -> pd.DataFrame:
    """Dated, placed, non-rejected attacks and sieges (place_key, event_date, event_id, actor), by date.

    Passed to :func:`state_at` to mark held places as contested.
    """
    ev = events[
        events["kind"].isin(PRESSURE_KINDS)
        & (events["status"] != "rejected")
        & events["event_date"].notna()
        & events["latitude"].notna()
        & events["longitude"].notna()
    ]
    out = pd.DataFrame(
        {
            "place_key": place_keys(ev),
            "event_date": ev["event_date"],
            "event_id": ev["event_id"],
            "actor": ev["actor"].astype(object),
        }
    )
    return out.sort_values(["event_date", "event_id"], kind="mergesort").reset_index(drop=True)


def state_at(intervals: pd.DataFrame, date: Any = None, pressure: pd.DataFrame | None = None) -> pd.DataFrame:
    """Control state per place as of ``date`` (inclusive; None = latest) from :func:`control_intervals`.

    One row per place that had a control change on or before ``date`` (columns :data:`STATE_COLUMNS`):
    its latest ``controller`` (None when vacated), ``since``, the opening evidence, ``last_confirmed`` (the
    latest report of that holder on or before ``date``), ``n_changes`` (intervals opened so far) and
    ``event_ids`` (comma-separated ids of every control event at the place up to ``date``).

    With ``pressure`` (from :func:`pressure_events`), a place attacked or besieged by anyone other than
    its holder after the day it last changed hands (and on or before ``date``) is ``contested``, with the
    latest such ``contested_by`` actor and ``last_attack`` date: the "contested" category of control maps.
    A later report of the holder holding it (a confirming capture) does not clear it; a change of hands
    does.
    """
    ts = to_timestamp(date)
    if intervals.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in STATE_COLUMNS})
    iv = intervals if ts is None else intervals[intervals["start_date"] <= ts]
    if iv.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in STATE_COLUMNS})
    n_changes = iv.groupby("place_key", sort=False).size()
    latest = iv.sort_values("seq").drop_duplicates("place_key", keep="last")
    # Event ids and confirmations up to the date: small Python loops over the (few) rows involved.
    ids_by_place: dict[str, list[int]] = {}
    for pkey, opened, confirmed in iv[["place_key", "opened_by_event", "confirmed_by"]].itertuples(
        index=False, name=None
    ):
        lst = ids_by_place.setdefault(pkey, [])
        lst.append(int(opened))
        lst.extend(eid for eid, d in confirmed if ts is None or d <= ts)
    last_confirmed = []
    for start, confirmed in latest[["start_date", "confirmed_by"]].itertuples(index=False, name=None):
        dates = [d for _, d in confirmed if ts is None or d <= ts]
        last_confirmed.append(max(dates) if dates else start)
    out = latest.rename(columns={"start_date": "since", "start_precision": "since_precision"})
    out = out.assign(
        last_confirmed=pd.to_datetime(pd.Series(last_confirmed, index=out.index)),
        n_changes=out["place_key"].map(n_changes).astype(int),
        event_ids=out["place_key"].map(lambda k: ",".join(str(i) for i in sorted(ids_by_place[k]))),
        contested=False,
        contested_by=None,
        last_attack=pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]"),
    )
    if pressure is not None and not pressure.empty:
        p = pressure if ts is None else pressure[pressure["event_date"] <= ts]
        p = p.merge(out[["place_key", "since", "controller"]], on="place_key", how="inner")
        # Strictly after the change of hands: same-day attacks are usually the fighting that took it.
        p = p[(p["event_date"] > p["since"]) & (p["actor"].isna() | (p["actor"] != p["controller"]))]
        if not p.empty:
            last = p.drop_duplicates("place_key", keep="last").set_index("place_key")
            hit = out["place_key"].isin(last.index)
            out["contested"] = hit
            out["contested_by"] = out["place_key"].map(last["actor"]).astype(object).where(hit, None)
            out["last_attack"] = pd.to_datetime(out["place_key"].map(last["event_date"]))
    return out[STATE_COLUMNS].reset_index(drop=True)


def control_at(events: pd.DataFrame, date: Any = None) -> pd.DataFrame:
    """Latest controller per place as of ``date`` (with contested flags):
    ``state_at(control_intervals(events), date, pressure_events(events))``."""
    return state_at(control_intervals(events), date, pressure_events(events))
