"""Actor recognition and normalisation (English and German), table-driven.

Why a table: conflict reporting names a few hundred armed groups and state forces under many spellings
(Daesh = IS = ISIS = ISIL = "Islamischer Staat"); a table of variants is auditable by analysts and cheap
to extend, where a model would be neither. `ARMED_GROUPS` lists non-state groups, `STATES` the
demonyms (en/de) from which state-force phrases ("Afghan forces", "irakische Armee") are built; they
normalise to "Government of <Country>". Generic phrases ("security forces", "die Armee") become the
government of the article's main country when one is known, and anaphors ("the Islamists", "die
Islamisten", "the insurgents", "them") resolve to the armed group the article names (most recent
before the position, ties broken by frequency).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from geo.parse import lang
from geo.parse.prefilter import Prefilter, Rule, literal_head

__all__ = [
    "ARMED_GROUPS",
    "STATES",
    "ActorContext",
    "ActorMatch",
    "find_actors",
    "normalise_actor",
    "tables",
]

ActorKind = Literal["armed_group", "state", "generic_state", "anaphor", "pronoun"]

# Canonical name -> spellings every language shares (acronyms, transliterations), as (regex, prefixes)
# with None for "the regex's own first letters" (`geo.parse.prefilter.literal_head`). Case-sensitive
# entries (acronyms) are prefixed with "=". Each language adds its own spellings (`Language.armed_groups`);
# this order is the order in which names compete.
ARMED_GROUPS: dict[str, tuple[tuple[str, tuple[str, ...] | None], ...]] = {
    "Islamic State": (
        (r"=DAESH", None),
        (r"=Daesh", None),
        (r"=Da'esh", ("da'e",)),
        (r"=Da’esh", ("da’e",)),
        (r"=Daisch", None),
        (r"=Daech", None),
        (r"=(?:ISIS|ISIL|ISIS-K|ISKP|ISWAP)", ("isis", "isil", "iskp", "iswap")),
        (r"=(?<![A-Z]{2} )IS(?=-|\b)(?! [A-Z]{2})", ("is",)),  # not the verb in a headline ("THIS IS WAR")
    ),
    "Taliban": (
        (r"Taliban", None),
        (r"Taleban", None),
        (r"Tehrik-e-Taliban(?: Pakistan)?", None),
        (r"=TTP", None),
    ),
    "al-Qaeda": (
        (r"al[- ]Qa[' ’]?[ei]da", ("al q", "al-q")),
        (r"=AQAP", None),
        (r"=AQIM", None),
        (r"al-Qaida", None),
    ),
    "al-Shabaab": ((r"al[- ]Shabaa?b", ("al s", "al-s")), (r"Shabaa?b", None)),
    "Houthis": ((r"Houthis?", None), (r"Huthis?", None), (r"Ansar Allah", None), (r"Ansarullah", None)),
    "Hamas": ((r"Hamas", None),),
    "Hezbollah": ((r"Hezbollah", None), (r"Hizbollah", None), (r"Hizbullah", None)),
    "Hayat Tahrir al-Sham": ((r"Hayat Tahrir al[- ]Sham", ("hayat",)), (r"=HTS", None)),
    "Syrian Democratic Forces": ((r"=SDF", None),),
    "YPG": ((r"=YPG", None),),
    "Peshmerga": ((r"Peshmerga", None),),
    "Syrian National Army": ((r"=SNA", None),),
    "Free Syrian Army": ((r"=FSA", None),),
    "Rapid Support Forces": ((r"=RSF", None),),
    "Wagner Group": ((r"Wagner(?: Group|-Gruppe| mercenaries|-Söldner)?", None),),
    "JNIM": ((r"=JNIM", None), (r"Jama'?at Nasr? al-Islam wal[- ]Muslimin", None)),
    "Boko Haram": ((r"Boko Haram", None),),
    "M23": ((r"=M23", None),),
    "Tigray People's Liberation Front": ((r"=TPLF", None),),
    "Libyan National Army": ((r"=LNA", None),),
    "Kurdistan Workers' Party": ((r"=PKK", None),),
    "Arakan Army": (),
    "Coordination of Azawad Movements": (
        (r"=CMA", None),
        (r"Tuareg(?:-led)?[- ](?:rebels|Rebellen|separatists|Separatisten)", None),
    ),
    "Fano": (),
}

# ISO code -> country name; each language gives its demonyms (`Language.demonyms`)
STATES: dict[str, str] = {
    "AF": "Afghanistan", "IQ": "Iraq", "SY": "Syria", "YE": "Yemen", "UA": "Ukraine", "RU": "Russia",
    "SD": "Sudan", "SS": "South Sudan", "ML": "Mali", "BF": "Burkina Faso", "NE": "Niger", "NG": "Nigeria",
    "SO": "Somalia", "ET": "Ethiopia", "LY": "Libya", "IL": "Israel", "PK": "Pakistan", "IR": "Iran",
    "TR": "Turkey", "US": "United States", "MM": "Myanmar", "CD": "DR Congo", "MZ": "Mozambique",
    "TD": "Chad",
    "AZ": "Azerbaijan", "AM": "Armenia", "LB": "Lebanon", "EG": "Egypt", "SA": "Saudi Arabia",
    "CO": "Colombia",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ActorMatch:
    """An actor phrase in text: offsets, surface form, canonical name (None for an unresolved anaphor)."""

    start: int
    end: int
    text: str
    canonical: str | None
    kind: ActorKind
    country: str | None = None


def _joined(fragments: list[tuple[str, tuple[str, ...]]]) -> tuple[str, tuple[str, ...]]:
    """Per-language regex fragments as one alternation, with the union of their prefixes."""
    parts = [(f, p) for f, p in fragments if f]
    return "|".join(f for f, _ in parts), tuple(x for _, p in parts for x in p)


def _demonym_alt(words: tuple[str, ...], either_case: bool) -> str:
    if not either_case:
        return "|".join(re.escape(w) for w in words)
    return "|".join(f"[{w[0].upper()}{w[0]}]{re.escape(w[1:])}" for w in words)


def _compile() -> tuple[Prefilter, Prefilter, dict[str, tuple[str, ActorKind, str | None]]]:
    """The two actor prefilters (names; references) and rule name -> (canonical, kind, country)."""
    languages = lang.all_languages()
    rules: list[Rule] = []
    meta: dict[str, tuple[str, ActorKind, str | None]] = {}

    def add(
        pattern: str, prefixes: tuple[str, ...] | None, canonical: str, kind: ActorKind, country: str | None
    ) -> None:
        key = f"a{len(rules)}"
        if pattern.startswith("="):
            pattern = f"(?-i:{pattern[1:]})"
            prefixes = prefixes or (literal_head(pattern[5:-1]),)
        rules.append(Rule(key, pattern, prefixes or (literal_head(pattern),)))
        meta[key] = (canonical, kind, country)

    suffix = "(?:" + "|".join(x.group_suffix for x in languages if x.group_suffix) + ")?"
    canonicals = list(ARMED_GROUPS)
    canonicals += [c for x in languages for c in x.armed_groups if c not in canonicals]
    for canonical in canonicals:
        variants = list(ARMED_GROUPS.get(canonical, ()))
        for x in languages:
            variants.extend(x.armed_groups.get(canonical, ()))
        for pattern, prefixes in variants:
            # "Islamic State militants", "Taliban fighters", "IS-Kämpfer" are the group itself
            add(pattern + suffix, prefixes, canonical, "armed_group", None)
    for code, name in STATES.items():
        for x in languages:
            words = x.demonyms.get(code)
            if words and x.state_force:
                pattern = x.state_force.replace("{demonym}", _demonym_alt(words, x.demonym_either_case))
                prefixes = x.state_force_prefixes or tuple(w.lower() for w in words)
                add(pattern, prefixes, f"Government of {name}", "state", code)
            for pattern, prefixes in x.state_force_extra.get(code, ()):
                add(pattern, prefixes, f"Government of {name}", "state", code)
    generic, generic_pre = _joined([x.generic_state for x in languages])
    add(generic, generic_pre, "", "generic_state", None)
    anaphor, anaphor_pre = _joined([x.anaphor for x in languages])
    add(anaphor, anaphor_pre, "", "anaphor", None)
    pronoun, pronoun_pre = _joined([x.pronoun for x in languages])
    add(f"(?-i:{pronoun})", pronoun_pre, "", "pronoun", None)
    # Alternation order matters for equal starts: longer, specific entries were added first.
    # Two scans: names (groups, state forces) are rare words, scanned over the whole article; references
    # ("the army", "the Islamists", "them") start with frequent words and are scanned only where needed.
    named = [r for r in rules if meta[r.name][1] in ("armed_group", "state")]
    refs = [r for r in rules if meta[r.name][1] not in ("armed_group", "state")]
    return Prefilter(named), Prefilter(refs), meta


@lang.compiled_per_language_set
def tables() -> tuple[Prefilter, Prefilter, dict[str, tuple[str, ActorKind, str | None]]]:
    """(names prefilter, references prefilter, rule metadata), compiled once per set of languages."""
    return _compile()


def _scan(pattern: Prefilter, text: str, start: int, end: int) -> list[ActorMatch]:
    meta = tables()[2]
    out: list[ActorMatch] = []
    for m in pattern.finditer(text, start, end):
        canonical, kind, country = meta[pattern.name(m)]
        out.append(ActorMatch(m.start(), m.end(), m.group(0), canonical or None, kind, country))
    return out


def _merge(named: list[ActorMatch], refs: list[ActorMatch]) -> list[ActorMatch]:
    """Names and references in text order; a reference inside a name ("Houthi fighters") is dropped."""
    keep = [r for r in refs if not any(n.start < r.end and r.start < n.end for n in named)]
    return sorted(named + keep, key=lambda m: m.start)


def find_actors(text: str, start: int = 0, end: int | None = None, *, refs: bool = True) -> list[ActorMatch]:
    """Actor phrases in text[start:end] with offsets into `text`; anaphors and pronouns unresolved.

    `refs=False` returns only named actors (armed groups, state forces), which is all anaphor
    resolution needs over a whole article.
    """
    end = len(text) if end is None else end
    named_re, ref_re, _meta = tables()
    named = _scan(named_re, text, start, end)
    return _merge(named, _scan(ref_re, text, start, end)) if refs else named


def normalise_actor(surface: str, *, country_name: str | None = None) -> str | None:
    """Canonical actor for a surface form ("Daesh" -> "Islamic State", "irakische Armee" -> Government of
    Iraq); generic state forces need `country_name`; anaphors cannot be resolved here (None)."""
    for m in find_actors(surface.strip()):
        if m.start == 0:
            if m.kind in ("armed_group", "state"):
                return m.canonical
            if m.kind == "generic_state" and country_name:
                return f"Government of {country_name}"
            return None
    return None


class ActorContext:
    """All actor phrases of one article, to resolve anaphors and generic state forces.

    `country_name` is the article's main country (the pipeline derives it from resolved mentions);
    without it, "security forces" stays unresolved rather than guessed.
    """

    def __init__(self, text: str, *, country_name: str | None = None) -> None:
        self.text = text
        self.country_name = country_name
        self._named = find_actors(text, refs=False)
        self._named_starts = [m.start for m in self._named]
        self._groups = [m for m in self._named if m.kind == "armed_group"]
        self._freq = Counter(m.canonical for m in self._groups)
        self._group_ends = [m.end for m in self._groups]
        self._named_ends = [m.end for m in self._named]

    @property
    def matches(self) -> list[ActorMatch]:
        """Every actor phrase of the article (names and references), in text order."""
        return self.in_span(0, len(self.text))

    def named_in_span(self, start: int, end: int) -> list[ActorMatch]:
        """Named actors (armed groups, state forces) inside text[start:end], found once per article."""
        lo = bisect.bisect_left(self._named_starts, start)
        hi = bisect.bisect_left(self._named_starts, end)
        return [m for m in self._named[lo:hi] if m.end <= end]

    def in_span(self, start: int, end: int) -> list[ActorMatch]:
        """Actor phrases inside text[start:end] (a sentence): names found once, references scanned here."""
        return _merge(self.named_in_span(start, end), _scan(tables()[1], self.text, start, end))

    def armed_group_before(self, pos: int) -> str | None:
        """The armed group an anaphor at `pos` refers to: the most recently named one (ties by frequency)."""
        i = bisect.bisect_right(self._group_ends, pos)
        if i:
            return self._groups[i - 1].canonical
        if self._freq:
            return self._freq.most_common(1)[0][0]
        return None

    def named_before(self, pos: int, window: int = 600) -> str | None:
        """Most recent named actor (group or state) within `window` characters before pos (for pronouns)."""
        i = bisect.bisect_right(self._named_ends, pos)
        if i and pos - self._named[i - 1].end <= window:
            return self._named[i - 1].canonical
        return None

    def resolve(self, m: ActorMatch, *, country_name: str | None = None) -> str | None:
        """Canonical name for a match in this article (anaphors and generic forces resolved if possible).

        `country_name` (the country of the place an event is about) beats the article's main country for
        generic forces: "security forces" defending a town are that country's.
        """
        if m.kind in ("armed_group", "state"):
            return m.canonical
        if m.kind == "generic_state":
            country = country_name or self.country_name
            return f"Government of {country}" if country else None
        if m.kind == "anaphor":
            return self.armed_group_before(m.start)
        if m.kind == "pronoun":
            return self.named_before(m.start)
        return None

    @staticmethod
    def main_country(country_names: Iterable[str]) -> str | None:
        """Most frequent country among an article's resolved mentions (helper for callers)."""
        counts = Counter(c for c in country_names if c)
        return counts.most_common(1)[0][0] if counts else None
