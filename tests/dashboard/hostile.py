"""A hostile article for the dashboard's escaping tests: its title, evidence sentence, a note and the
analyst's name carry Markdown images and HTML <img> tags pointing at a host that does not exist.

If any of them were rendered as Markdown or HTML, the browser would request `evil.invalid`.
"""

from __future__ import annotations

import re
from pathlib import Path

from geo.parse.articles import article_from_text
from geo.parse.pipeline import parse_article
from geo.store import Store

HOST = "evil.invalid"


def payload(tag: str) -> str:
    return f"![{tag}](http://{HOST}/{tag}.png) <img src=http://{HOST}/{tag}-html.png>"


TITLE = f"{payload('title')} Kandahar falls"
TEXT = (
    "KANDAHAR, Afghanistan, August 12, 2021 (AP) — The Taliban captured Kandahar "
    f"{payload('evidence')} on Thursday, officials said.\n"
)
NOTE = f"check this {payload('note')}"
ANALYST = f"{payload('analyst')}"

# Markdown image syntax or an <img tag as such (escaped, they are numeric references): what a browser renders
UNESCAPED = re.compile(r"!\[|<img", re.IGNORECASE)


def add_hostile_article(db: Path) -> tuple[int, dict]:
    """Ingest the hostile article into `db` and annotate its event; returns (article id, event row)."""
    with Store(db) as store:
        store.ingest(parse_article(article_from_text(TEXT, source="hostile.txt", title=TITLE)))
        arts = store.articles_df()
        aid = int(arts[arts["source"] == "hostile.txt"].iloc[0]["article_id"])
        events = store.events_df(aid)
        assert len(events), "the hostile article should yield an event"
        row = events.iloc[0].to_dict()
        assert HOST in str(row["evidence"]), row["evidence"]
        store.annotate("event", row["target_key"], "note", {"text": NOTE}, analyst=ANALYST)
        row = store.events_df(aid).iloc[0].to_dict()
    return aid, row
