"""Property-based tests (hypothesis) for the readers, date parsing and name folding (issue 14).

What a user relies on, whatever the input: a reader never raises and never crashes inside (every file is
an Article or a Rejected with a reason of its own, not the safety net's "unreadable (SomeError...)"), a
date is always within the one year range with a valid precision, and name keys keep their documented
shape. Kept fast (200 examples, no deadline) so that `make test` stays quick.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import unicodedata
from pathlib import Path
from typing import get_args

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.gazetteer.normalize import APOSTROPHES, fold, simple_key
from geo.model import MAX_YEAR, MIN_YEAR, DatePrecision
from geo.parse.articles import Article, Rejected, read_paths
from geo.parse.dates import article_date, find_dates, parse_date_string, parse_marker

PRECISIONS = set(get_args(DatePrecision))
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _date_ok(d: dt.date | None, precision: str | None) -> bool:
    if d is None:
        return precision is None
    return MIN_YEAR <= d.year <= MAX_YEAR and precision in PRECISIONS


# --- readers -----------------------------------------------------------------------------------------

# Text that looks like what the readers expect, and bytes that do not.
_words = st.sampled_from(
    ["Kabul", "Köln", "Mazār-i-Sharīf", " date 2021-08-1", " date 0001-01-01", "on Thursday", "\n", ",", '"',
     "{", "}", "[", "]", "text", "date", "<p>", "</p>", "<script>", "\x00", "\xff", "\r", "\t", "9999"]
)  # fmt: skip
_textish = st.lists(st.one_of(_words, st.text(max_size=20)), max_size=30).map("".join)
_records = st.lists(
    st.dictionaries(
        st.sampled_from(["text", "date", "title", "url", "language", "body", "x"]),
        st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), _textish, st.lists(st.integers())),
        max_size=5,
    ),
    max_size=4,
)


@st.composite
def _file_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    ext = draw(st.sampled_from([".txt", ".json", ".jsonl", ".csv", ".html"]))
    kind = draw(st.sampled_from(["bytes", "utf-8", "cp1252", "utf-16", "records"]))
    if kind == "bytes":
        data = draw(st.binary(max_size=400))
    elif kind == "records":
        recs = draw(_records)
        if ext == ".jsonl":
            data = "\n".join(json.dumps(r) for r in recs).encode()
        elif ext == ".csv":
            keys = sorted({k for r in recs for k in r}) or ["text"]
            rows = [",".join(keys)] + [",".join(json.dumps(str(r.get(k, ""))) for k in keys) for r in recs]
            data = "\n".join(rows).encode()
        else:
            data = json.dumps(recs if draw(st.booleans()) else {"articles": recs}).encode()
    else:
        data = draw(_textish).encode(kind, "replace")
    return ext, data


@FAST
@given(files=st.lists(_file_bytes(), min_size=1, max_size=3))
def test_any_bytes_in_any_supported_file_give_articles_or_reasons_never_an_exception(files):
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for n, (ext, data) in enumerate(files):
            p = Path(tmp) / f"f{n}{ext}"
            p.write_bytes(data)
            paths.append(p)
        warnings: list[str] = []
        items = list(read_paths(paths, on_warning=lambda src, msg: warnings.append(src)))
    assert items, "every file gives at least one Article or Rejected"
    for item in items:
        assert isinstance(item, Article | Rejected)
        if isinstance(item, Rejected):
            assert item.reason.strip() and not item.reason.startswith("unreadable ("), item.reason
        else:
            assert item.text.strip()
            assert _date_ok(item.date, item.date_precision)


# --- dates -------------------------------------------------------------------------------------------

_date_text = st.lists(
    st.one_of(
        st.sampled_from(
            ["on Thursday", "am Donnerstag", "yesterday", "gestern", "last year", "last month", "in May",
             "im Mai", "three days ago", "vor drei Tagen", "last week", "since 2014", "seit 2014",
             "10.08.2021", "2021-08-10", "December 1, 2020", "1. Dezember 2020", "January 9999",
             "0001-01-01", " date ",
             "last summer", "im Sommer", "31.02.2021", "2021-13-45", "May 17", "17. Mai", " ", "\n", ", "]
        ),
        st.text(max_size=12),
        st.integers(min_value=0, max_value=99999).map(str),
    ),
    max_size=12,
).map("".join)  # fmt: skip
_any_date = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


@FAST
@given(
    text=_date_text,
    base=st.one_of(st.none(), _any_date),
    precision=st.sampled_from(["day", "month", "year", None]),
)
def test_find_dates_never_raises_and_every_date_is_in_range(text, base, precision):
    for span in find_dates(text, base=base, base_precision=precision):
        assert _date_ok(span.date, span.precision)
        assert text[span.start : span.end] == span.text


@settings(max_examples=100, deadline=None)  # dateparser reads most random strings: ~50 ms each
@given(value=st.one_of(_date_text, st.text(max_size=40)))
def test_parse_date_string_never_raises_and_stays_in_range(value):
    parsed = parse_date_string(value)
    assert parsed is None or _date_ok(*parsed)


@FAST
@given(text=_date_text, metadata=st.one_of(st.none(), _date_text), year=st.integers(0, 9999))
def test_article_date_and_marker_never_raise_and_stay_in_range(text, metadata, year):
    for t in (text, f" date {year:04d}-05-17\n{text}", f" date {year:04d}-02\n{text}"):
        assert _date_ok(*article_date(t, metadata=metadata))
        marker = parse_marker(t)
        assert marker is None or _date_ok(marker[0], marker[1])


# --- name folding ------------------------------------------------------------------------------------

_names = st.one_of(
    st.text(max_size=30),
    st.lists(
        st.sampled_from(["Mazār", "-e ", "Šarīf", "al-", "Dschalalabad", "Qala", "i", "Naw", "N'", "Djamena",
                         "ß", "Ø", "ʿ", " ", "-", "GHAZNI", "Köln", "Кабул", "كابل", "ar-Raqqa"]),
        max_size=6,
    ).map("".join),
)  # fmt: skip


def _has_diacritic(text: str) -> bool:
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", text))


@FAST
@given(name=_names)
def test_simple_key_is_lower_case_single_spaced_without_apostrophes_or_diacritics(name):
    key = simple_key(name)
    assert key == key.strip() and "  " not in key
    assert not any(ch in APOSTROPHES for ch in key)
    assert key == key.lower()
    assert not _has_diacritic(key), key
    assert simple_key(key) == key  # a key is its own key: keys meet the names they were built from


@FAST
@given(name=_names)
def test_fold_is_a_lower_case_key_without_spaces_and_empty_only_without_letters_or_digits(name):
    key = fold(name)
    assert " " not in key and key == key.lower()
    if not any(ch.isalnum() for ch in name):
        assert key == ""
