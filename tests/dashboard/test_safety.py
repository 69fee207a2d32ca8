"""Outside text (article titles, evidence, notes, analyst names) is never rendered as Markdown or HTML.

The page is driven with AppTest on a store holding `tests.dashboard.hostile`'s article; every string the
browser would interpret (Markdown bodies, captions, alerts, widget labels and help, our own HTML blocks)
is checked for an image or <img> that is not escaped. `tests/e2e/test_hostile_browser.py` checks the same
in Chromium, by the requests the page makes.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.safe import html_text, md
from tests.dashboard.hostile import ANALYST, HOST, TITLE, UNESCAPED, add_hostile_article
from tests.fixtures.dashboard import APP

pytestmark = pytest.mark.requires_gazetteer

TIMEOUT = 120


def _nodes(node) -> Iterator:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def interpreted_strings(at: AppTest) -> list[tuple[str, str, bool]]:
    """(where, text, is_html) for every string the browser renders as Markdown (or HTML)."""
    found: list[tuple[str, str, bool]] = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        kind = type(node).__name__
        for field in ("body", "label", "help"):
            if field in {f.name for f in proto.DESCRIPTOR.fields}:
                value = getattr(proto, field)
                if isinstance(value, str) and value:
                    found.append((f"{kind}.{field}", value, bool(getattr(proto, "allow_html", False))))
    return found


def test_md_and_html_text_escape_images_and_tags() -> None:
    assert not UNESCAPED.search(md(TITLE))
    assert md("a_b *c* [d](e)") == "a&#95;b &#42;c&#42; &#91;d&#93;&#40;e&#41;"
    assert html.unescape(md(TITLE)).replace("\u2060", "") == TITLE
    assert "http:" not in md(TITLE) and "evil.invalid" not in md(TITLE)  # no autolink either
    assert html_text("<b a='1'> & ![x]") == "&lt;b a=&#x27;1&#x27;&gt; &amp; &#33;&#91;x&#93;"
    assert html.unescape(html_text(TITLE)) == TITLE


def test_hostile_title_evidence_note_and_analyst_are_shown_as_text(
    seed_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aid, row = add_hostile_article(seed_db)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["article"] = str(aid)
    at.query_params["date"] = "2021-08-12"
    at.run()
    at.text_input(key="analyst").set_value(ANALYST).run()
    at.session_state["sel_point"] = (float(row["latitude"]), float(row["longitude"]))
    at.session_state["selected"] = {"type": "event", "key": row["target_key"]}
    at.run()
    assert not at.exception

    strings = interpreted_strings(at)
    hostile = [(w, t, h) for w, t, h in strings if HOST in html.unescape(t)]
    # the title (reader heading), the evidence (panel quote), the note and analyst (panel caption and
    # history) all reach the page ...
    joined = "\n".join(html.unescape(t) for _, t, _ in hostile)
    for piece in ("title.png", "evidence.png", "note.png", "analyst.png"):
        assert piece in joined, piece
    # ... and none as an image or HTML
    bad = [(w, t) for w, t, _ in hostile if UNESCAPED.search(t) or "<img" in t.lower() or "http:" in t]
    assert not bad, bad
    # the reader's own HTML block holds the article text escaped
    html_blocks = [t for _, t, is_html in strings if is_html and "cm-article" in t]
    assert html_blocks and "&lt;img src=" in html_blocks[0] and "&#33;&#91;evidence&#93;" in html_blocks[0]
