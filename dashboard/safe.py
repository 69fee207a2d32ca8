"""Showing text that came from outside (articles, titles, evidence, notes, analyst names) without letting it
become Markdown or HTML.

Why: Streamlit renders Markdown in `st.markdown`, `st.caption`, the alert boxes (`st.info`, `st.success`,
...) and in every widget label and help text, and Markdown images are fetched by the browser. An article
titled `![x](http://host/x.png)` would make every reader's browser call that host: a read beacon that also
breaks the offline promise. So every piece of outside text on the page goes through one of two functions:

* `md(value)` for anything Streamlit reads as Markdown: each ASCII punctuation character becomes a numeric
  character reference (`&#33;`), which CommonMark shows as that character and never reads as markup.
  GitHub-flavoured autolinks are found in the decoded text whatever the escaping, so a WORD JOINER
  (U+2060, invisible) is put after a URL scheme, a `www` and an `@`: the address shows, but not as a link.
  Our own Markdown (bold, headings) is written around the escaped pieces.
* `html_text(value)` for HTML the app builds itself (the reader) with `unsafe_allow_html=True`: HTML
  escaping, plus numeric references for the characters Markdown would still read there.

Plain-text places (`st.text`, `st.dataframe` cells, select-box option labels) need neither.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

# Every ASCII punctuation character (and nothing else) becomes a numeric reference: simpler to trust than
# choosing the "dangerous" ones (`!`, `[`, `<`, `&`, the `:` and `.` of autolinks, `$` of LaTeX ...).
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)(?=[:.])|@")
_ESCAPE = {ord(ch): f"&#{ord(ch)};" for ch in map(chr, range(33, 127)) if not ch.isalnum()}
# In an HTML block, text is not autolinked and `-`, `.`, `,` are inert: html.escape's entities plus
# references for the characters Streamlit's Markdown pass still reads (images, links, LaTeX, emoji, colours).
_HTML_ESCAPE = {
    **{ord(ch): f"&#{ord(ch)};" for ch in "!#$()*:[\\]_`{|}~"},
    **{ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#x27;"},
}


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
    return _AUTOLINK.sub(lambda m: m.group(0) + "\u2060", text).translate(_ESCAPE)


def html_text(value: Any) -> str:
    """`value` escaped for HTML the app writes itself (an unsafe_allow_html block, which Streamlit still
    passes through its Markdown parser), in one pass; line breaks kept."""
    return as_text(value).translate(_HTML_ESCAPE)
