"""The languages the parser reads: each module of this package holds one language's words and rules as data.

Why (spaCy's `lang/<code>/` idea): the engines (`geo.parse.dates`, `events`, `actors`) know how to read a
date, an event or an actor; which words say so is data. A module named by its ISO 639-1 code defines
`LANGUAGE = Language(...)`; it is found here at first use, and the engines compile their tables from every
registered language. A third language is one new module (copy `de.py`), with no edit anywhere else.
`register()` adds a language at run time (tests use it with a made-up language).

Order matters where rules compete at the same position (the first alternative wins): languages are taken
in `ORDER` first (English, then German, as the tables were written), then by code.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

__all__ = [
    "LANGUAGES",
    "Language",
    "TriggerRule",
    "all_languages",
    "get",
    "register",
    "unregister",
    "version",
]

ORDER = ("en", "de")


@dataclass(frozen=True, slots=True)
class TriggerRule:
    """An event trigger: rule name, event kind (one of `geo.model.EVENT_KINDS`), regex, voice, strength.

    `voice` tells the engine where place and actor stand: active | passive | fell | fell_any | lost | expel |
    nominal | verb_final (German "von den Taliban eingenommen") | withdrew | ceasefire. `prefixes` are the
    lower-case letters a match starts with (see `geo.parse.prefilter`). `state`: the trigger reports a
    state ("in the hands of"), so "since 2012" may date it; `needs_agent`: without an actor it is no event
    ("prices fell to 5 percent"); `split_verb`: a verb in two parts around the place ("zogen sich aus
    Cherson zurück"), so the place may stand inside or before it.
    """

    name: str
    kind: str
    pattern: str
    voice: str
    base: float
    prefixes: tuple[str, ...]
    state: bool = False
    needs_agent: bool = False
    split_verb: bool = False


@dataclass(frozen=True, slots=True)
class Language:
    """One language's words and rules. Regex fragments are joined with "|" across languages.

    Dates: `months` / `weekdays` map lower-case names to numbers (1-12 / Monday 0); `day_suffixes` follow a
    day number before a month ("1st", "1."), `month_day_suffixes` after a month ("May 17th");
    `relative` maps a date rule tag to (regex fragment, prefixes); `weekday_lead`, `weekday_suffixes`,
    `season_lead`, `month_lead` are the words that may open or follow those expressions; `number_words`
    and `days_ago` ("{n}" stands for the number) give "three days ago"; `seasons` maps a season to the
    month it starts; `last_cues`/`this_week_cues`/`day_before_cues` tell "last winter", "this week",
    "the day before yesterday"; `since_words` make a date a start point; `dateline_words` and
    `dateline_weekday_tail` read "Published: Tuesday, 10 August".

    Events: `triggers`; `negation`, `attempt`, `modal` (case-sensitive: "May" is a month) are regex
    fragments of the cues before a trigger; `speech` verbs of saying, `talks` words of negotiation;
    `abbreviations` never end a sentence; `month_words` after "13." keep it inside a sentence.

    Actors: `armed_groups` adds this language's spellings to canonical group names (regex, prefixes);
    `demonyms` ISO code -> literal demonyms; `state_force` builds a state-force rule from a demonym
    alternation ("{demonym}"), `demonym_either_case` lets a demonym's first letter be either case;
    `state_force_prefixes` when the rule does not start with the demonym ("fuerzas iraquíes");
    `state_force_extra` ISO code -> (regex, prefixes) more rules;
    `generic_state`, `anaphor`, `pronoun`, `group_suffix` are (regex fragment, prefixes) pairs.

    Articles: `function_words`, lower-case words frequent in this language and rare in the others, let
    `geo.parse.articles.detect_language` decide without the language-id model.
    """

    code: str
    name: str
    months: dict[str, int] = field(default_factory=dict)
    weekdays: dict[str, int] = field(default_factory=dict)
    day_suffixes: tuple[str, ...] = ()
    month_day_suffixes: tuple[str, ...] = ()
    day_month_joiners: tuple[str, ...] = ()
    relative: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    weekday_lead: tuple[str, ...] = ()
    weekday_suffixes: tuple[str, ...] = ()
    season_lead: tuple[str, ...] = ()
    month_lead: tuple[str, ...] = ()
    number_words: dict[str, int] = field(default_factory=dict)
    days_ago: str = ""
    days_ago_prefixes: tuple[str, ...] = ()
    seasons: dict[str, int] = field(default_factory=dict)
    last_cues: tuple[str, ...] = ()
    this_week_cues: tuple[str, ...] = ()
    day_before_cues: tuple[str, ...] = ()
    since_words: tuple[str, ...] = ()
    since_starts: tuple[str, ...] = ()
    dateline_words: tuple[str, ...] = ()
    dateline_weekday_tail: str = r",\s*"
    triggers: tuple[TriggerRule, ...] = ()
    negation: str = ""
    attempt: str = ""
    modal: str = ""
    speech: tuple[str, ...] = ()
    talks: tuple[str, ...] = ()
    abbreviations: frozenset[str] = frozenset()
    month_words: tuple[str, ...] = ()
    subject_pronouns: tuple[str, ...] = ()
    armed_groups: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = field(default_factory=dict)
    demonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    state_force: str = ""
    state_force_prefixes: tuple[str, ...] = ()
    demonym_either_case: bool = False
    state_force_extra: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = field(default_factory=dict)
    generic_state: tuple[str, tuple[str, ...]] = ("", ())
    anaphor: tuple[str, tuple[str, ...]] = ("", ())
    pronoun: tuple[str, tuple[str, ...]] = ("", ())
    group_suffix: str = ""
    function_words: frozenset[str] = frozenset()


LANGUAGES: dict[str, Language] = {}
_state = {"discovered": False, "version": 0}


def _discover() -> None:
    if _state["discovered"]:
        return
    _state["discovered"] = True
    for info in pkgutil.iter_modules(__path__):
        if len(info.name) == 2 and info.name.isalpha():
            module = importlib.import_module(f"{__name__}.{info.name}")
            language = getattr(module, "LANGUAGE", None)
            if isinstance(language, Language):
                LANGUAGES.setdefault(language.code, language)
    _state["version"] += 1


def _rank(code: str) -> tuple[int, str]:
    return (ORDER.index(code) if code in ORDER else len(ORDER), code)


def all_languages() -> tuple[Language, ...]:
    """Every registered language, English and German first."""
    _discover()
    return tuple(LANGUAGES[c] for c in sorted(LANGUAGES, key=_rank))


def get(code: str) -> Language:
    """The language with ISO 639-1 `code`; KeyError if none is registered."""
    _discover()
    return LANGUAGES[code]


def register(language: Language) -> None:
    """Add (or replace) a language at run time; the engines recompile their tables at next use."""
    _discover()
    LANGUAGES[language.code] = language
    _state["version"] += 1


def unregister(code: str) -> None:
    """Remove a language registered at run time."""
    _discover()
    LANGUAGES.pop(code, None)
    _state["version"] += 1


def version() -> int:
    """A number that changes whenever the set of languages does (engines cache their tables by it)."""
    _discover()
    return _state["version"]


_T = TypeVar("_T")


def compiled_per_language_set(build: Callable[[], _T]) -> Callable[[], _T]:
    """Wrap an engine's table compiler so it runs once per set of registered languages.

    Why: engines (dates, actors, events) compile regexes and prefilters from every language's data; that
    costs milliseconds, so it must happen once, yet a language registered at run time must be picked up
    at next use without the engine knowing. The wrapper keeps the one compiled result of the current
    `version()` and rebuilds when the registry changes.
    """
    cache: dict[int, _T] = {}

    @functools.wraps(build)
    def tables() -> _T:
        current = version()
        got = cache.get(current)
        if got is None:
            cache.clear()
            got = cache[current] = build()
        return got

    return tables
