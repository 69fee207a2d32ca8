"""Article dates and relative date expressions, in every language of `geo.parse.lang`.

Why our own regexes: `dateparser.search.search_dates` costs tens of milliseconds per article and
finds "dates" in ordinary numbers, while extraction must run at 100 articles/s. We find candidate spans
with compiled regexes over the languages' month/weekday tables and build `datetime.date` directly; dateparser
is used only as a fallback for free-form metadata strings (other languages, RFC 2822 dates...).

Precision is kept: "2018-07" is month precision and never becomes a made-up day. Every date this module
returns comes with its precision ("day" | "month" | "year").

One year range (`geo.model.MIN_YEAR`..`MAX_YEAR`) holds for every source: metadata, the marker, datelines,
in-text dates and relative dates resolved against a base. A date outside it is no date (None), and a base
outside it is no base, so relative arithmetic can never overflow.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from geo.gazetteer.normalize import lower_like_re
from geo.model import MAX_YEAR, MIN_YEAR, DatePrecision
from geo.parse import lang
from geo.parse.prefilter import DIGIT, Prefilter, Rule, literal_head

__all__ = [
    "DateSpan",
    "article_date",
    "find_dates",
    "in_year_range",
    "marker_end",
    "parse_date_string",
    "parse_marker",
    "resolve_relative",
]

# --- tables (compiled from the registered languages, `geo.parse.lang`) ----------------------------------

_FLAGS = re.IGNORECASE
_UPPER = "A-ZÄÖÜ"  # letters a month name may start with (a capital: "may" the verb is no month)
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"
# ISO "2021-08-10" and European numeric "10.08.2021": the same in every language
_RE_ISO = r"(?P<year>(?:19|20)\d\d)-(?P<mon>[01]\d)-(?P<day>[0-3]\d)"
_RE_NUM = r"(?P<day>[0-3]?\d)\.(?P<mon>[01]?\d)\.(?P<year>(?:19|20)\d\d)"
_MARKER = re.compile(r"\A\ufeff?[ \t]*date[ \t]+(?P<year>\d{4})-(?P<mon>\d{2})(?:-(?P<day>\d{2}))?(?=\s|\Z)")
_HEAD_CHARS = 1500


def _named(pattern: str, suffix: str) -> str:
    """Rename the groups of a sub-pattern so several can live in one alternation."""
    return re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{m.group(1)}_{suffix}>", pattern)


def _alt(words: Iterable[str]) -> str:
    return "|".join(dict.fromkeys(words))


def _heads(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(literal_head(w) for w in words)


@dataclass(frozen=True, slots=True)
class _Tables:
    """Every date table and regex, built from the registered languages."""

    months: dict[str, int]
    weekdays: dict[str, int]
    number_words: dict[str, int]
    seasons: dict[str, int]
    last_cues: tuple[str, ...]
    this_week_cues: tuple[str, ...]
    day_before_cues: tuple[str, ...]
    since_starts: tuple[str, ...]
    full_date: re.Pattern[str]
    month_year: str
    rel: Prefilter
    since: re.Pattern[str]
    dateline_prefix: re.Pattern[str]


def _build() -> _Tables:
    languages = lang.all_languages()
    months = {n: v for x in languages for n, v in x.months.items()}
    weekdays = {n: v for x in languages for n, v in x.weekdays.items()}
    number_words = {n: v for x in languages for n, v in x.number_words.items()}
    # Long names first so "June" wins over "Jun"; abbreviations may carry a dot ("Aug.").
    month_alt = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    weekday_alt = "|".join(sorted(weekdays, key=len, reverse=True))
    mon = rf"(?P<mon>(?=(?-i:[{_UPPER}]))(?:{month_alt}))\.?"
    day_sfx = _alt(s for x in languages for s in x.day_suffixes)
    md_sfx = _alt(s for x in languages for s in x.month_day_suffixes)
    joiners = _alt(s for x in languages for s in x.day_month_joiners)
    day_sfx = f"(?:{day_sfx})?" if day_sfx else ""
    md_sfx = f"(?:{md_sfx})?" if md_sfx else ""
    joiner = rf"(?:(?:{joiners})\s+)?" if joiners else ""
    # "December 1, 2020" / "1. Dezember 2020" / "January 2020" / "May 17" / "17. Mai"
    re_mdy = rf"{mon}\s+(?P<day>[0-3]?\d){md_sfx},?\s+{_YEAR}"
    re_dmy = rf"(?P<day>[0-3]?\d){day_sfx}\s+{joiner}{mon}\s*,?\s+{_YEAR}"
    re_my = rf"{mon}\s+{_YEAR}"
    re_md = rf"{mon}\s+(?P<day>[0-3]?\d){md_sfx}\b(?!\s*[,.]?\s*\d)"
    re_dm = rf"(?P<day>[0-3]?\d){day_sfx}\s+{joiner}{mon}\b(?!\s*,?\s*\d)"
    full_inner = "|".join(
        f"(?P<{tag}>{_named(p, tag)})"
        for tag, p in (("mdy", re_mdy), ("dmy", re_dmy), ("iso", _RE_ISO), ("num", _RE_NUM))
    )
    full_date = re.compile(r"(?<![\w.])(?:" + full_inner + r")(?![\w])", _FLAGS)
    month_names = tuple(months)
    days_ago = []
    for i, x in enumerate(x for x in languages if x.days_ago):
        group = "n" if i == 0 else f"n{i + 1}"
        words = "|".join(re.escape(w) for w in x.number_words)
        days_ago.append((x.days_ago.replace("{n}", rf"(?P<{group}>\d{{1,2}}|{words})"), x.days_ago_prefixes))

    def relative(tag: str) -> tuple[str, tuple[str, ...]]:
        parts = [x.relative[tag] for x in languages if tag in x.relative]
        return "|".join(p for p, _ in parts), tuple(w for _, pre in parts for w in pre)

    weekday_lead = [w for x in languages for w in x.weekday_lead]
    season_lead = [w for x in languages for w in x.season_lead]
    month_lead = [w for x in languages for w in x.month_lead]
    seasons = {n: v for x in languages for n, v in x.seasons.items()}
    rules: list[tuple[str, str, tuple[str, ...]]] = [
        ("full", full_inner, (DIGIT, *month_names)),
        ("month_year", re_my, month_names),
        ("month_day", re_md, month_names),
        ("day_month", re_dm, (DIGIT,)),
        (
            "weekday",
            rf"(?:(?:{_alt(weekday_lead)})\s+)?(?P<wd>{weekday_alt})"
            rf"(?:{_alt(s for x in languages for s in x.weekday_suffixes)})?\b",
            (*_heads(weekday_lead), *weekdays),
        ),
        ("yesterday", *relative("yesterday")),
        ("today", *relative("today")),
        ("last_year", *relative("last_year")),
        ("last_month", *relative("last_month")),
        ("this_month", *relative("this_month")),
        ("week", *relative("week")),
        ("days_ago", "|".join(p for p, _ in days_ago), tuple(w for _, pre in days_ago for w in pre)),
        (
            "season",
            rf"(?:(?:{_alt(season_lead)})\s+)+(?P<season>{_alt(seasons)})",
            _heads(season_lead),
        ),
        (
            "month",
            rf"(?:(?:{_alt(month_lead)})[\s-]+)+{mon}\b(?!\s*,?\s*(?:1[89]|20)\d\d)",
            _heads(month_lead),
        ),
        ("year", r"(?<![\d.,])(?P<y>(?:19[4-9]|20[0-4])\d)(?![\d%]|[.,]\d)", (DIGIT,)),
    ]
    rel = Prefilter([Rule(tag, _named(p, tag), pre) for tag, p, pre in rules], _FLAGS, hyphen_joins=False)
    since_words = _alt(w for x in languages for w in x.since_words)
    dateline_words = _alt(w for x in languages for w in x.dateline_words)
    dateline_days = "|".join(
        f"(?:{_alt(x.weekdays)}){x.dateline_weekday_tail}" for x in languages if x.weekdays
    )
    dateline_prefix = re.compile(
        rf"(?:^|\n)[ \t]*(?:(?:{dateline_words})[:\s]+)?"
        r"(?:(?:[A-ZÄÖÜ][\w'’.\- ]{1,40}),\s*(?:[A-ZÄÖÜ][\w'’.\- ]{1,30},\s*)?)?"
        rf"(?:{dateline_days})?$",
        _FLAGS,
    )
    return _Tables(
        months=months,
        weekdays=weekdays,
        number_words=number_words,
        seasons=seasons,
        last_cues=tuple(w for x in languages for w in x.last_cues),
        this_week_cues=tuple(w for x in languages for w in x.this_week_cues),
        day_before_cues=tuple(w for x in languages for w in x.day_before_cues),
        since_starts=tuple(w for x in languages for w in x.since_starts),
        full_date=full_date,
        month_year=re_my,
        rel=rel,
        since=re.compile(rf"\b(?:{since_words})\s*$", _FLAGS),
        dateline_prefix=dateline_prefix,
    )


@lang.compiled_per_language_set
def tables() -> _Tables:
    """The date tables of the registered languages, compiled once per set of languages."""
    return _build()


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A date expression found in text: offsets, resolved date (may be None) and precision."""

    start: int
    end: int
    text: str
    date: dt.date | None
    precision: DatePrecision | None
    kind: str
    since: bool = False  # introduced by "since"/"seit": a start point, not the event date


# --- helpers ------------------------------------------------------------------------------------------


def _month_num(token: str) -> int | None:
    token = lower_like_re(token).rstrip(".")
    if token.isdigit():
        n = int(token)
        return n if 1 <= n <= 12 else None
    return tables().months.get(token)


def in_year_range(d: dt.date | None) -> bool:
    """True for a date within the one year range of every date (`geo.model.MIN_YEAR`..`MAX_YEAR`)."""
    return d is not None and MIN_YEAR <= d.year <= MAX_YEAR


def _mk(year: int, month: int, day: int | None) -> dt.date | None:
    """The date, or None when it does not exist (31 June) or lies outside the year range."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day or 1)
    except ValueError:
        return None


def _group(m: re.Match[str], name: str, tag: str) -> str | None:
    return m.group(f"{name}_{tag}")


def marker_end(text: str) -> int:
    """Where the body starts after a leading ` date YYYY-MM[-DD]` marker line (0 without one), whether
    or not its date is valid: a marker with a bad date is still no part of the article's words."""
    m = _MARKER.match(text)
    return m.end() if m else 0


def parse_marker(text: str) -> tuple[dt.date, DatePrecision, int] | None:
    """The optional leading ` date YYYY-MM[-DD]` marker: (date, precision, end offset), or None when there
    is none or its date does not exist or lies outside the year range."""
    m = _MARKER.match(text)
    if not m:
        return None
    year, mon, day = int(m["year"]), int(m["mon"]), m["day"]
    d = _mk(year, mon, int(day) if day else None)
    if d is None:
        return None
    return d, ("day" if day else "month"), m.end()


def _full_match_date(m: re.Match[str]) -> dt.date | None:
    tag = next(t for t in ("mdy", "dmy", "iso", "num") if m.group(t))
    mon = _month_num(_group(m, "mon", tag) or "")
    if mon is None:
        return None
    return _mk(int(_group(m, "year", tag) or 0), mon, int(_group(m, "day", tag) or 0))


@lru_cache(maxsize=4096)
def parse_date_string(value: str) -> tuple[dt.date, DatePrecision] | None:
    """Parse a metadata date ("2021-08-10", "2018-07", "2014", "Tue, 10 Aug 2021 ...", "1. Dezember 2020").

    Fast paths first (ISO, our regexes); dateparser only for what they cannot read.
    """
    value = (value or "").strip()
    if not value:
        return None
    m = re.match(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][\d:.+\-Z ]*)?$", value)
    if m:
        year, mon, day = int(m[1]), m[2], m[3]
        d = _mk(year, int(mon) if mon else 1, int(day) if day else None)
        if d is None:
            return None
        return d, ("year" if mon is None else "day" if day else "month")
    t = tables()
    fm = t.full_date.search(value)
    if fm:
        d = _full_match_date(fm)
        if d:
            return d, "day"
    my = re.search(t.month_year, value, _FLAGS)
    if my and (mon := _month_num(my["mon"])) and (d := _mk(int(my["year"]), mon, None)):
        return d, "month"
    try:
        import dateparser  # noqa: PLC0415 - slow import, rarely needed

        settings = {"PREFER_DAY_OF_MONTH": "first"}
        # en/de first (fast); all of dateparser's languages only for strings with a number in them
        parsed = dateparser.parse(value, languages=["en", "de"], settings=settings)
        if parsed is None and re.search(r"\d", value):
            parsed = dateparser.parse(value, settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; a bad date is just no date
        parsed = None
    if parsed is None or not in_year_range(parsed.date()):
        return None
    return parsed.date(), "day"


# --- article date -------------------------------------------------------------------------------------


def article_date(
    text: str, *, metadata: str | None = None, language: str | None = None
) -> tuple[dt.date | None, DatePrecision | None]:
    """The date an article was written: marker, then metadata, then a dateline near the top, else None.

    A date counts as a dateline when it stands at the start of a line (optionally after "PLACE," /
    "PLACE, Country," / "Published:" / a weekday) or within the first 200 characters; in-text dates deeper
    in the article are events, not the article's date.
    """
    marker = parse_marker(text)
    if marker:
        return marker[0], marker[1]
    if metadata:
        parsed = parse_date_string(str(metadata))
        if parsed:
            return parsed
    head = text[:_HEAD_CHARS]
    t = tables()
    for m in t.full_date.finditer(head):
        d = _full_match_date(m)
        if d is None:
            continue
        before = head[max(0, m.start() - 120) : m.start()]
        if m.start() < 200 and not t.since.search(before):
            return d, "day"
        if t.dateline_prefix.search(before):
            return d, "day"
    return None, None


# --- relative expressions -----------------------------------------------------------------------------


def _latest_month(month: int, base: dt.date) -> dt.date | None:
    year = base.year if month <= base.month else base.year - 1
    return _mk(year, month, None)


def _latest_month_day(month: int, day: int, base: dt.date) -> dt.date | None:
    year = base.year
    d = _mk(year, month, day)
    if d is None or d > base:
        d = _mk(year - 1, month, day)
    return d


def _resolve_match(
    m: re.Match[str], base: dt.date | None, base_precision: DatePrecision | None
) -> tuple[str, dt.date | None, DatePrecision | None]:
    tag = m.lastgroup or ""
    t = tables()
    day_base = base if base is not None and base_precision == "day" else None
    month_base = base if base is not None and base_precision in ("day", "month") else None
    year_base = base
    if tag == "full":
        sub = t.full_date.fullmatch(m.group(0))
        return tag, (_full_match_date(sub) if sub else None), "day"
    if tag == "month_year":
        mon = _month_num(m["mon_month_year"])
        return tag, (dt.date(int(m["year_month_year"]), mon, 1) if mon else None), "month"
    if tag in ("month_day", "day_month"):
        mon = _month_num(m[f"mon_{tag}"])
        if mon is None or month_base is None:
            return tag, None, None
        return tag, _latest_month_day(mon, int(m[f"day_{tag}"]), month_base), "day"
    if tag == "weekday":
        if day_base is None:
            return tag, None, None
        wd = t.weekdays[lower_like_re(m["wd_weekday"])]
        back = (day_base.weekday() - wd) % 7
        return tag, day_base - dt.timedelta(days=back), "day"
    if tag == "yesterday":
        if day_base is None:
            return tag, None, None
        n = 2 if m.group(0).lower().startswith(t.day_before_cues) else 1
        return tag, day_base - dt.timedelta(days=n), "day"
    if tag == "today":
        return tag, day_base, ("day" if day_base else None)
    if tag == "last_year":
        return (
            tag,
            (dt.date(year_base.year - 1, 1, 1) if year_base else None),
            ("year" if year_base else None),
        )
    if tag == "last_month":
        if month_base is None:
            return tag, None, None
        first = month_base.replace(day=1) - dt.timedelta(days=1)
        return tag, first.replace(day=1), "month"
    if tag == "this_month":
        if month_base is None:
            return tag, None, None
        return tag, month_base.replace(day=1), "month"
    if tag == "week":
        # a week is not a day: report the month it fell in (day precision would be invented)
        if day_base is None:
            return tag, None, None
        low = m.group(0).lower()
        back = 0 if any(w in low for w in t.this_week_cues) else 7
        return tag, (day_base - dt.timedelta(days=back)).replace(day=1), "month"
    if tag == "days_ago":
        if day_base is None:
            return tag, None, None
        word = next(v for k, v in m.groupdict().items() if v and k.endswith("_days_ago")).lower()
        n = int(word) if word.isdigit() else t.number_words[word]
        return tag, day_base - dt.timedelta(days=n), "day"
    if tag == "season":
        # a season gives the year it began in (year precision: a season is not a month)
        if month_base is None:
            return tag, None, None
        start = t.seasons[lower_like_re(m["season_season"])]
        words = m.group(0).lower()
        year = month_base.year
        if start > month_base.month or (
            any(w in words for w in t.last_cues) and start >= month_base.month - 2
        ):
            year -= 1
        return tag, dt.date(year, 1, 1), "year"
    if tag == "month":
        mon = _month_num(m["mon_month"])
        if mon is None or month_base is None:
            return tag, None, None
        if month_base is base and base_precision == "month" and mon > month_base.month:
            return tag, dt.date(month_base.year - 1, mon, 1), "month"
        return tag, _latest_month(mon, month_base), "month"
    if tag == "year":
        year = int(m["y_year"])
        if year_base is not None and year > year_base.year:
            return tag, None, None
        return tag, dt.date(year, 1, 1), "year"
    return tag, None, None


def _resolve_in_range(
    m: re.Match[str], base: dt.date | None, base_precision: DatePrecision | None
) -> tuple[str, dt.date | None, DatePrecision | None]:
    """`_resolve_match`, with a result outside the year range (999-12-30 from "on Thursday" near the
    range's start) reported as unknown like any other date that cannot be resolved."""
    tag, d, prec = _resolve_match(m, base, base_precision)
    if d is not None and not in_year_range(d):
        return tag, None, None
    return tag, d, prec


def find_dates(
    text: str,
    start: int = 0,
    end: int | None = None,
    *,
    base: dt.date | None = None,
    base_precision: DatePrecision | None = "day",
) -> list[DateSpan]:
    """Date expressions in text[start:end], resolved against the article date where they are relative.

    Offsets are into `text`. An expression that needs a base date the article lacks ("on Thursday" in an
    undated article) is returned with date None: unknown, never invented.
    """
    end = len(text) if end is None else end
    if not in_year_range(base):  # a base out of range (or none) resolves nothing relative
        base, base_precision = None, None
    spans: list[DateSpan] = []
    t = tables()
    for m in t.rel.finditer(text, start, end):
        tag, d, prec = _resolve_in_range(m, base, base_precision)
        since = bool(t.since.search(text[max(start, m.start() - 12) : m.start()])) or m.group(
            0
        ).lower().startswith(t.since_starts)
        spans.append(DateSpan(m.start(), m.end(), m.group(0), d, prec if d else None, tag, since))
    return spans


def resolve_relative(
    expression: str,
    article_date: dt.date | None,
    language: str | None = None,
    *,
    article_precision: DatePrecision | None = "day",
) -> tuple[dt.date | None, DatePrecision | None]:
    """Resolve one date expression against the article date.

    "on Thursday"/"am Donnerstag": the latest such weekday on or before the article date (day);
    "in January"/"last June"/"im Januar": the latest such month on or before it (month);
    "in 2014"/"2014": year; "yesterday"/"gestern"; explicit dates. Without the base date a relative
    expression resolves to (None, None): unknown rather than made up. `language` is accepted for the API;
    the en/de tables are merged, so it is not needed to pick a table.
    """
    del language
    spans = find_dates(expression, base=article_date, base_precision=article_precision)
    if not spans:
        return None, None
    best = max(spans, key=lambda s: s.end - s.start)
    return best.date, best.precision


def days_in_month(d: dt.date) -> int:
    """Number of days in d's month (for interval ends at month precision)."""
    return calendar.monthrange(d.year, d.month)[1]
