"""Shared helpers for the dashboard tests: a store filled from seeds/ through the real pipeline.

Building the store loads the gazetteer (seconds), so it is built once per test session in a temporary
folder and copied (a plain file copy) for each test that writes to it.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from geo.render import leaflet as mapview

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
APP = REPO / "dashboard" / "app.py"

# A dated article (test data, not a seed) so that moving the date provably changes the map even while
# seed 002's own events carry no date.
DATED_ARTICLE = (
    "KANDAHAR, Afghanistan, August 12, 2021 (AP) — The Taliban captured Kandahar, the country's "
    "second-largest city, on Thursday, officials said.\n\n"
    "Fighting continued in the outskirts of the city.\n"
)


def build_seed_store(path: Path, *, extra_dated: bool = True) -> Path:
    """Ingest seeds/ (and the dated test article) into a new store at `path` via the real pipeline."""
    from geo.parse.articles import Rejected, article_from_text, read_paths
    from geo.parse.pipeline import parse_article
    from geo.store import Store

    with Store(path) as store:
        for item in read_paths([SEEDS]):
            if isinstance(item, Rejected):
                raise AssertionError(f"seed rejected: {item}")
            store.ingest(parse_article(item))
        if extra_dated:
            store.ingest(parse_article(article_from_text(DATED_ARTICLE, source="kandahar-test.txt")))
    return path


def copy_store(src: Path, dst: Path) -> Path:
    """A private copy of a built store (WAL checkpointed first so the copy is complete)."""
    con = sqlite3.connect(src)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    shutil.copyfile(src, dst)
    return dst


def folium_args(at) -> dict:
    """The JSON arguments of the st_folium component in an AppTest run."""
    comps = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    assert comps, "the page has no map"
    return json.loads(comps[0].proto.json_args)


def tables(at) -> dict[str, list]:
    """Each map layer's data table (control, events, mentions, ...) as sent to the browser."""
    args = folium_args(at)
    found = mapview.layer_tables(args["script"])
    found.update(mapview.layer_tables(args.get("feature_group") or ""))
    return found


def control_places(at) -> dict[str, str]:
    """{place name: holder} in the control layer of the current page."""
    t = tables(at)["control"][0]
    return {row[2]: t["actors"][row[3]] for row in t["rows"]}


def event_places(at) -> list[tuple[str, str, str]]:
    """[(place, kind, actor)] in the events layer of the current page."""
    t = tables(at)["events"][0]
    return [(row[5], t["kinds"][row[2]], t["actors"][row[3]]) for row in t["rows"]]
