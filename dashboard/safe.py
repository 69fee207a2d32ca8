"""Showing text that came from outside (articles, titles, evidence, notes, analyst names) without letting it
become Markdown or HTML.

Why: Streamlit renders Markdown in `st.markdown`, `st.caption`, the alert boxes (`st.info`, `st.success`,
...) and in every widget label and help text, and Markdown images are fetched by the browser. An article
titled `![x](http://host/x.png)` would make every reader's browser call that host: a read beacon that also
breaks the offline promise. So every piece of outside text on the page goes through one of two functions:

* `md(value)` for anything Streamlit reads as Markdown: each ASCII punctuation character gets a backslash
  (CommonMark's own escape, which Streamlit honours), so `![x](u)` shows as those characters and `<img>`
  stays text. Our own Markdown (bold, headings) is written around the escaped pieces.
* `html_text(value)` for HTML the app builds itself (the reader) with `unsafe_allow_html=True`: HTML
  escaping, plus numeric references for the characters Markdown would still read there.

Plain-text places (`st.text`, `st.dataframe` cells, select-box option labels) need neither.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all of them is simpler
# to trust than choosing the "dangerous" ones (`!`, `[`, `<`, `&`, autolink `:` ...).
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def as_text(value: Any) -> str:
    """A display/compare string; None, NaN and NA become ''."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def md(value: Any) -> str:
    """`value` as Markdown that displays exactly its characters (no image, link, HTML or formatting).

    Line breaks become spaces: a newline followed by `#` or `>` must not start a heading or a quote, and
    the places that use this are one-line labels and captions.
    """
    text = " ".join(as_text(value).split())
    return _PUNCT.sub(r"\\\1", text)


# Streamlit passes an unsafe_allow_html block through its Markdown parser too (with LaTeX `$`, emoji and
# colour `:name:` directives): besides the HTML specials, the characters Markdown reads become numeric
# references, which a browser shows as the characters and Markdown leaves alone. One pass, so that the
# `#` and `&` of a reference are never escaped again.
_HTML_SPECIAL = "&<>\"'!#$()*:[\\]_`{|}~"
_HTML_ESCAPE = {ord(ch): f"&#{ord(ch)};" for ch in _HTML_SPECIAL}


def html_text(value: Any) -> str:
    """`value` escaped for HTML the app writes itself: tags, quotes (safe inside attributes) and the
    characters Streamlit's Markdown pass would interpret."""
    return as_text(value).translate(_HTML_ESCAPE)
