"""Article dates and relative date expressions (English and German).

Why our own regexes: `dateparser.search.search_dates` costs tens of milliseconds per article and
finds "dates" in ordinary numbers, while extraction must run at 100 articles/s. We find candidate spans
with compiled regexes over month/weekday tables (en + de) and build `datetime.date` directly; dateparser
is used only as a fallback for free-form metadata strings (other languages, RFC 2822 dates...).

Precision is kept: "2018-07" is month precision and never becomes a made-up day. Every date this module
returns comes with its precision ("day" | "month" | "year").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from geo.gazetteer.normalize import lower_like_re
from geo.model import DatePrecision

__all__ = [
    "DateSpan",
    "article_date",
    "find_dates",
    "parse_date_string",
    "parse_marker",
    "resolve_relative",
]

# --- tables -------------------------------------------------------------------------------------------

MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    [
        ("january", "jan", "januar", "jänner", "jaenner"),
        ("february", "feb", "februar", "feber"),
        ("march", "mar", "märz", "maerz", "mrz"),
        ("april", "apr"),
        ("may", "mai"),
        ("june", "jun", "juni"),
        ("july", "jul", "juli"),
        ("august", "aug"),
        ("september", "sep", "sept"),
        ("october", "oct", "oktober", "okt"),
        ("november", "nov"),
        ("december", "dec", "dezember", "dez"),
    ],
    start=1,
):
    for _n in _names:
        MONTHS[_n] = _num

WEEKDAYS: dict[str, int] = {}
for _num, _names in enumerate(
    [
        ("monday", "montag"),
        ("tuesday", "dienstag"),
        ("wednesday", "mittwoch"),
        ("thursday", "donnerstag"),
        ("friday", "freitag"),
        ("saturday", "samstag", "sonnabend"),
        ("sunday", "sonntag"),
    ]
):
    for _n in _names:
        WEEKDAYS[_n] = _num

# Long names first so "June" wins over "Jun"; abbreviations may carry a dot ("Aug.").
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_WEEKDAY_ALT = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_MON = rf"(?P<mon>(?=(?-i:[A-ZÄÖÜ]))(?:{_MONTH_ALT}))\.?"
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"

# "December 1, 2020" / "Dec. 1 2020" / "May 17, 2015"
_RE_MDY = rf"{_MON}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+{_YEAR}"
# "1. Dezember 2020" / "1 December 2020" / "13. August 2021"
_RE_DMY = rf"(?P<day>[0-3]?\d)(?:\.|st|nd|rd|th)?\s+(?:of\s+)?{_MON}\s*,?\s+{_YEAR}"
# ISO "2021-08-10"
_RE_ISO = r"(?P<year>(?:19|20)\d\d)-(?P<mon>[01]\d)-(?P<day>[0-3]\d)"
# German/European numeric "10.08.2021"
_RE_NUM = r"(?P<day>[0-3]?\d)\.(?P<mon>[01]?\d)\.(?P<year>(?:19|20)\d\d)"
# Month + year "January 2020", "Januar 2020"
_RE_MY = rf"{_MON}\s+{_YEAR}"
# Day + month without year: "May 17", "17. Mai", "17 May"
_RE_MD = rf"{_MON}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*[,.]?\s*\d)"
_RE_DM = rf"(?P<day>[0-3]?\d)(?:\.|st|nd|rd|th)?\s+(?:of\s+)?{_MON}\b(?!\s*,?\s*\d)"

_FLAGS = re.IGNORECASE


def _named(pattern: str, suffix: str) -> str:
    """Rename the groups of a sub-pattern so several can live in one alternation."""
    return re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{m.group(1)}_{suffix}>", pattern)


_FULL_DATE = re.compile(
    r"(?<![\w.])(?:"
    + "|".join(
        f"(?P<{tag}>{_named(p, tag)})"
        for tag, p in (("mdy", _RE_MDY), ("dmy", _RE_DMY), ("iso", _RE_ISO), ("num", _RE_NUM))
    )
    + r")(?![\w])",
    _FLAGS,
)

_MARKER = re.compile(r"\A\ufeff?[ \t]*date[ \t]+(?P<year>\d{4})-(?P<mon>\d{2})(?:-(?P<day>\d{2}))?(?=\s|\Z)")

# Relative / partial expressions inside sentences (used by events).
_REL_PATTERNS: list[tuple[str, str]] = [
    ("full", _FULL_DATE.pattern[len(r"(?<![\w.])") : -len(r"(?![\w])")]),
    ("month_year", _RE_MY),
    ("month_day", _RE_MD),
    ("day_month", _RE_DM),
    (
        "weekday",
        rf"(?:(?:on|last|this|past|am|vergangenen|letzten|diesen|seit)\s+)?(?P<wd>{_WEEKDAY_ALT})"
        r"(?:s|morgen|abend|nachmittag|vormittag|nacht)?\b",
    ),
    ("yesterday", r"the\s+day\s+before\s+yesterday|yesterday|vorgestern|gestern"),
    ("today", r"today|heute"),
    ("last_year", r"last\s+year|(?:im\s+)?(?:vergangenen|letzten)\s+Jahr|voriges\s+Jahr|vergangenes\s+Jahr"),
    ("last_month", r"last\s+month|(?:im\s+)?(?:vergangenen|letzten)\s+Monat"),
    (
        "this_month",
        r"(?:earlier\s+|later\s+)?this\s+month|(?:in\s+)?(?:diesem|diesen)\s+Monat|Anfang\s+des\s+Monats",
    ),
    (
        "week",
        r"(?:last|this|past|earlier\s+this)\s+week|(?:in\s+der\s+)?(?:vergangenen|letzten|vorigen|dieser)\s+Woche"
        r"|(?:vergangene|letzte|vorige|diese)\s+Woche",
    ),
    (
        "days_ago",
        r"(?P<n>\d{1,2}|a|one|two|three|four|five|six|seven|ten)\s+days?\s+ago"
        r"|vor\s+(?P<n2>\d{1,2}|einem|zwei|drei|vier|fünf|sechs|sieben|zehn)\s+Tag(?:en)?",
    ),
    (
        "season",
        r"(?:(?:last|this|in\s+the|im|in\s+the\s+past|vergangenen|letzten|diesen|vorigen)\s+)+"
        r"(?P<season>spring|summer|autumn|fall|winter|Frühjahr|Frühling|Sommer|Herbst|Winter)",
    ),
    (
        "month",
        rf"(?:(?:in|last|this|since|until|by|early|late|mid|im|seit|bis|vergangenen|letzten|Anfang|Ende|Mitte)"
        rf"[\s-]+)+{_MON}\b(?!\s*,?\s*(?:1[89]|20)\d\d)",
    ),
    ("year", r"(?<![\d.,])(?P<y>(?:19[4-9]|20[0-4])\d)(?![\d%]|[.,]\d)"),
]
_REL = re.compile(
    r"(?<![\w])(?:" + "|".join(f"(?P<{tag}>{_named(p, tag)})" for tag, p in _REL_PATTERNS) + r")(?![\w])",
    _FLAGS,
)


def _rel_prefilter() -> tuple[re.Pattern[str], list[tuple[str, set[str]]]]:
    """Where a relative expression can begin, and the literal prefixes of each `_REL_PATTERNS` entry.

    Why: `re` tries the ~15 alternatives of `_REL` at every word start (about 1 ms per KB). Every match
    of `_REL` starts at a word start with a digit or one of the alternatives' literal first letters
    ("jan", "on", "last", "seit"...), which we read from the patterns' parse trees: a zero-width scan for
    those word starts, then only the alternatives that can start with the word's first letters, finds
    the same matches (leftmost, first alternative wins) at a fraction of the cost.
    """
    from re import _parser  # noqa: PLC0415 - stdlib parse tree

    from geo.parse.actors import _prefixes, _trie_regex  # noqa: PLC0415 - shared prefix helpers

    per_tag = [(tag, _prefixes(list(_parser.parse(p, _FLAGS)), k=_REL_KEY)) for tag, p in _REL_PATTERNS]
    prefixes = set().union(*(pre for _tag, pre in per_tag))
    prefixes.discard("")  # "" only comes from digit-led alternatives (days, years), covered by \d
    ordered = sorted(prefixes, key=len, reverse=True)
    starts = re.compile(r"(?<![\w])(?=\d|" + _trie_regex(ordered) + ")", _FLAGS)
    return starts, per_tag


_REL_KEY = 4
_REL_STARTS, _REL_PREFIXES = _rel_prefilter()
_REL_BY_KEY: dict[str, re.Pattern[str] | None] = {}
_REL_BY_TAGS: dict[tuple[str, ...], re.Pattern[str] | None] = {}


def _rel_for_key(key: str) -> re.Pattern[str] | None:
    """`_REL` reduced to the alternatives (same order, same group names) whose matches can start with
    `key`, the lower-cased first `_REL_KEY` characters at a position; None when none can.

    Only for ASCII keys, where `str.lower` is exactly the regex's case folding (non-ASCII keys, such as a
    long s in "ſeit", use the whole `_REL`). Patterns are compiled once per set of alternatives (numbers
    make many keys but few sets).
    """
    pat = _REL_BY_KEY.get(key, False)
    if pat is not False:
        return pat  # type: ignore[return-value]
    tags = tuple(tag for tag, pre in _REL_PREFIXES if any(key.startswith(x) for x in pre))
    compiled = _REL_BY_TAGS.get(tags, False)
    if compiled is False:
        alts = [(tag, p) for tag, p in _REL_PATTERNS if tag in tags]
        compiled = _REL_BY_TAGS[tags] = (
            re.compile(
                r"(?<![\w])(?:" + "|".join(f"(?P<{tag}>{_named(p, tag)})" for tag, p in alts) + r")(?![\w])",
                _FLAGS,
            )
            if alts
            else None
        )
    if len(_REL_BY_KEY) < 20_000:  # keys are a word's first letters: bounded, but keep it so
        _REL_BY_KEY[key] = compiled
    return compiled  # type: ignore[return-value]


_NUMBER_WORDS = {
    "a": 1,
    "one": 1,
    "einem": 1,
    "two": 2,
    "zwei": 2,
    "three": 3,
    "drei": 3,
    "four": 4,
    "vier": 4,
    "five": 5,
    "fünf": 5,
    "six": 6,
    "sechs": 6,
    "seven": 7,
    "sieben": 7,
    "ten": 10,
    "zehn": 10,
}
_SINCE = re.compile(r"\b(?:since|seit|from|until|bis|ab)\s*$", _FLAGS)


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
    return MONTHS.get(token)


def _mk(year: int, month: int, day: int | None) -> dt.date | None:
    try:
        return dt.date(year, month, day or 1)
    except ValueError:
        return None


def _group(m: re.Match[str], name: str, tag: str) -> str | None:
    return m.group(f"{name}_{tag}")


def parse_marker(text: str) -> tuple[dt.date, DatePrecision, int] | None:
    """The optional leading ` date YYYY-MM[-DD]` marker: (date, precision, end offset) or None."""
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
        if not 1000 < year < 2200:
            return None
        if mon is None:
            return dt.date(year, 1, 1), "year"
        d = _mk(year, int(mon), int(day) if day else None)
        return (d, "day" if day else "month") if d else None
    fm = _FULL_DATE.search(value)
    if fm:
        d = _full_match_date(fm)
        if d:
            return d, "day"
    my = re.search(_RE_MY, value, _FLAGS)
    if my and (mon := _month_num(my["mon"])):
        return dt.date(int(my["year"]), mon, 1), "month"
    try:
        import dateparser  # noqa: PLC0415 - slow import, rarely needed

        settings = {"PREFER_DAY_OF_MONTH": "first"}
        # en/de first (fast); all of dateparser's languages only for strings with a number in them
        parsed = dateparser.parse(value, languages=["en", "de"], settings=settings)  # type: ignore[arg-type]
        if parsed is None and re.search(r"\d", value):
            parsed = dateparser.parse(value, settings=settings)  # type: ignore[arg-type]
    except Exception:  # dateparser raises assorted errors on odd input; a bad date is just no date
        parsed = None
    if parsed is None:
        return None
    return parsed.date(), "day"


# --- article date -------------------------------------------------------------------------------------

_HEAD_CHARS = 1500
_DATELINE_PREFIX = re.compile(
    r"(?:^|\n)[ \t]*(?:(?:published|updated|posted|veröffentlicht|aktualisiert|stand|date|datum)[:\s]+)?"
    r"(?:(?:[A-ZÄÖÜ][\w'’.\- ]{1,40}),\s*(?:[A-ZÄÖÜ][\w'’.\- ]{1,30},\s*)?)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,\s*|(?:montag|dienstag|mittwoch|donnerstag|freitag|"
    r"samstag|sonntag),\s*(?:den\s+)?)?$",
    _FLAGS,
)


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
    for m in _FULL_DATE.finditer(head):
        d = _full_match_date(m)
        if d is None:
            continue
        before = head[max(0, m.start() - 120) : m.start()]
        if m.start() < 200 and not _SINCE.search(before):
            return d, "day"
        if _DATELINE_PREFIX.search(before):
            return d, "day"
    return None, None


# --- relative expressions -----------------------------------------------------------------------------


def _latest_month(month: int, base: dt.date) -> dt.date:
    year = base.year if month <= base.month else base.year - 1
    return dt.date(year, month, 1)


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
    day_base = base if base is not None and base_precision == "day" else None
    month_base = base if base is not None and base_precision in ("day", "month") else None
    year_base = base
    if tag == "full":
        sub = _FULL_DATE.fullmatch(m.group(0))
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
        wd = WEEKDAYS[lower_like_re(m["wd_weekday"])]
        back = (day_base.weekday() - wd) % 7
        return tag, day_base - dt.timedelta(days=back), "day"
    if tag == "yesterday":
        if day_base is None:
            return tag, None, None
        n = 2 if m.group(0).lower().startswith(("the", "vor")) else 1
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
        back = 0 if "this" in m.group(0).lower() or "dies" in m.group(0).lower() else 7
        return tag, (day_base - dt.timedelta(days=back)).replace(day=1), "month"
    if tag == "days_ago":
        if day_base is None:
            return tag, None, None
        word = (m["n_days_ago"] or m["n2_days_ago"]).lower()
        n = int(word) if word.isdigit() else _NUMBER_WORDS[word]
        return tag, day_base - dt.timedelta(days=n), "day"
    if tag == "season":
        # a season gives the year it began in (year precision: a season is not a month)
        if month_base is None:
            return tag, None, None
        start = {
            "spring": 3,
            "frühjahr": 3,
            "frühling": 3,
            "summer": 6,
            "sommer": 6,
            "autumn": 9,
            "fall": 9,
            "herbst": 9,
            "winter": 12,
        }[lower_like_re(m["season_season"])]
        words = m.group(0).lower()
        year = month_base.year
        if start > month_base.month or (
            any(w in words for w in ("last", "vergangen", "letzt", "vorig")) and start >= month_base.month - 2
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
    spans: list[DateSpan] = []
    # the same matches as `_REL.finditer(text, start, end)`, trying `_REL` only where it can start
    last = start
    for c in _REL_STARTS.finditer(text, start, end):
        pos = c.start()
        if pos < last:
            continue
        key = text[pos : pos + _REL_KEY]
        if key.isascii():
            key = key.lower()
            pat = _REL_BY_KEY[key] if key in _REL_BY_KEY else _rel_for_key(key)
            if pat is None:
                continue
        else:
            pat = _REL
        m = pat.match(text, pos, end)
        if m is None:
            continue
        last = m.end()
        tag, d, prec = _resolve_match(m, base, base_precision)
        if tag == "weekday" and m.group(0).lower().startswith("seit"):
            since = True
        else:
            since = bool(_SINCE.search(text[max(start, m.start() - 12) : m.start()])) or m.group(
                0
            ).lower().startswith(("since", "seit", "until", "bis"))
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
