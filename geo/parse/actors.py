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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from geo.gazetteer.normalize import lower_like_re

__all__ = [
    "ARMED_GROUPS",
    "FastAlternation",
    "STATES",
    "ActorContext",
    "ActorMatch",
    "find_actors",
    "normalise_actor",
]

ActorKind = Literal["armed_group", "state", "generic_state", "anaphor", "pronoun"]

# canonical name -> regex variants. Case-sensitive entries (acronyms) are prefixed with "=".
# German inflection is written into the regex (Islamischen Staates, Huthi-Rebellen...).
ARMED_GROUPS: dict[str, tuple[str, ...]] = {
    "Islamic State": (
        r"Islamic State(?: (?:of Iraq and (?:the )?(?:Levant|Syria|al-Sham)"
        r"|in Iraq and (?:the )?(?:Levant|Syria)"
        r"|Khorasan(?: Province)?|West Africa Province|Sahel Province))?",
        r"Islamische[nr]?\s+Staate?s?",
        r"=(?:DAESH|Daesh|Da'esh|Da’esh|Daisch|Daech)",
        r"=(?:ISIS|ISIL|ISIS-K|ISKP|ISWAP)",
        r"=(?<![A-Z]{2} )IS(?=-|\b)(?! [A-Z]{2})",  # not the verb in an all-caps headline ("THIS IS WAR")
        r"IS-(?:Miliz|Milizen|Kämpfer|Terroristen|Extremisten|Dschihadisten|Terrormiliz|Zellen)",
        r"Terrormiliz IS",
    ),
    "Taliban": (r"Taliban", r"Taleban", r"Tehrik-e-Taliban(?: Pakistan)?", r"=TTP"),
    "al-Qaeda": (r"al[- ]Qa[' ’]?[ei]da", r"Al[- ]Kaida", r"=AQAP", r"=AQIM", r"al-Qaida"),
    "al-Shabaab": (r"al[- ]Shabaa?b", r"Al[- ]Schabaa?b", r"Shabaa?b"),
    "Houthis": (
        r"Houthi rebels",
        r"Huthi-Rebellen",
        r"Huthi-Miliz",
        r"Houthis?",
        r"Huthis?",
        r"Ansar Allah",
        r"Ansarullah",
    ),
    "Hamas": (r"Hamas",),
    "Hezbollah": (r"Hezbollah", r"Hizbollah", r"Hisbollah", r"Hizbullah"),
    "Hayat Tahrir al-Sham": (r"Hayat Tahrir al[- ]Sham", r"Haiat Tahrir al[- ]Scham", r"=HTS", r"=HTS-Miliz"),
    "Syrian Democratic Forces": (r"Syrian Democratic Forces", r"Demokratischen? Kräfte Syriens", r"=SDF"),
    "YPG": (r"=YPG", r"People's Protection Units", r"Volksverteidigungseinheiten"),
    "Peshmerga": (r"Peshmerga", r"Peschmerga"),
    "Syrian National Army": (r"Syrian National Army", r"Syrische Nationalarmee", r"=SNA"),
    "Free Syrian Army": (r"Free Syrian Army", r"Freie Syrische Armee", r"=FSA"),
    "Rapid Support Forces": (r"Rapid Support Forces", r"=RSF", r"RSF-Miliz", r"Schnellen? Eingreiftruppen?"),
    "Wagner Group": (r"Wagner(?: Group|-Gruppe| mercenaries|-Söldner)?",),
    "JNIM": (r"=JNIM", r"Jama'?at Nasr? al-Islam wal[- ]Muslimin"),
    "Boko Haram": (r"Boko Haram",),
    "M23": (r"=M23", r"March 23 Movement"),
    "Tigray People's Liberation Front": (
        r"=TPLF",
        r"Tigray(?:an)? (?:forces|People's Liberation Front)",
        r"Tigray-Rebellen",
    ),
    "Libyan National Army": (r"Libyan National Army", r"Libysche Nationale Armee", r"=LNA"),
    "Kurdistan Workers' Party": (r"=PKK",),
    "Arakan Army": (r"Arakan Army",),
    "Coordination of Azawad Movements": (
        r"=CMA",
        r"Coordination of Azawad Movements",
        r"Koordination der Azawad-Bewegungen",
        r"Tuareg(?:-led)?[- ](?:rebels|Rebellen|separatists|Separatisten)",
    ),
    "Fano": (r"Fano militias?", r"Fano-Milizen?"),
}

# ISO code -> (country name, English demonym regex, German adjective stem)
STATES: dict[str, tuple[str, str, str]] = {
    "AF": ("Afghanistan", "Afghan", "afghanisch"),
    "IQ": ("Iraq", "Iraqi", "irakisch"),
    "SY": ("Syria", "Syrian", "syrisch"),
    "YE": ("Yemen", "Yemeni", "jemenitisch"),
    "UA": ("Ukraine", "Ukrainian", "ukrainisch"),
    "RU": ("Russia", "Russian", "russisch"),
    "SD": ("Sudan", "Sudanese", "sudanesisch"),
    "SS": ("South Sudan", "South Sudanese", "südsudanesisch"),
    "ML": ("Mali", "Malian", "malisch"),
    "BF": ("Burkina Faso", "Burkinabe|Burkinabè", "burkinisch"),
    "NE": ("Niger", "Nigerien", "nigrisch"),
    "NG": ("Nigeria", "Nigerian", "nigerianisch"),
    "SO": ("Somalia", "Somali", "somalisch"),
    "ET": ("Ethiopia", "Ethiopian", "äthiopisch"),
    "LY": ("Libya", "Libyan", "libysch"),
    "IL": ("Israel", "Israeli", "israelisch"),
    "PK": ("Pakistan", "Pakistani", "pakistanisch"),
    "IR": ("Iran", "Iranian", "iranisch"),
    "TR": ("Turkey", "Turkish", "türkisch"),
    "US": ("United States", "US|U\\.S\\.|American", "amerikanisch|US-amerikanisch"),
    "MM": ("Myanmar", "Myanmar|Burmese", "myanmarisch|birmanisch"),
    "CD": ("DR Congo", "Congolese", "kongolesisch"),
    "MZ": ("Mozambique", "Mozambican", "mosambikanisch"),
    "TD": ("Chad", "Chadian", "tschadisch"),
    "AZ": ("Azerbaijan", "Azerbaijani", "aserbaidschanisch"),
    "AM": ("Armenia", "Armenian", "armenisch"),
    "LB": ("Lebanon", "Lebanese", "libanesisch"),
    "EG": ("Egypt", "Egyptian", "ägyptisch"),
    "SA": ("Saudi Arabia", "Saudi", "saudisch|saudi-arabisch"),
    "CO": ("Colombia", "Colombian", "kolumbianisch"),
}

_EN_FORCE = (
    r"(?:(?:government|security|armed|special|regular|ground|military|national|defen[cs]e|regime|border)\s+)?"
    r"(?:forces|army|troops|military|soldiers|government|regime|police|units|military forces|National Army)"
)
_DE_FORCE = (
    r"(?:Armee|Truppen|Streitkräfte|Sicherheitskräfte|Regierungstruppen|Regierungskräfte|Soldaten|Regierung"
    r"|Militär|Armeeeinheiten|Einheiten|Polizei|Regimetruppen|Bodentruppen)"
)
_GENERIC_STATE = (
    r"(?:the\s+)?(?:government|security|regime|state|army|pro-government)\s+(?:forces|troops|soldiers)"
    r"|the\s+(?:army|military)(?!\s+(?:base|bases|operations?|officials?|spokes\w+|sources?|campaign|aid|leaders?"
    r"|junta|court|police))"
    r"|(?:die\s+|der\s+|den\s+)?(?:Regierungstruppen|Regierungskräfte|Sicherheitskräfte|Regimetruppen)"
    r"|(?:die|der|den)\s+Armee"
)
# Descriptions that stand for the group the article names.
_ANAPHOR = (
    r"(?:the\s+)?(?:Islamists|insurgents|militants|jihadists|extremists|rebels|fighters|group|militia|terrorists|separatists)"
    r"|(?:die|den|der)\s+(?:Islamisten|Aufständischen|Extremisten|Dschihadisten|Rebellen|Kämpfer|Miliz|Terroristen|Separatisten"
    r"|Gruppe|Terrormiliz|Milizionäre)"
)
_PRONOUN = r"(?-i:them|they|ihnen|sie)"
_GROUP_SUFFIX = (
    r"(?:\s+(?:militants|fighters|rebels|insurgents|jihadists|group|militia|militias|forces|terrorists)"
    r"|-(?:Kämpfer|Miliz|Milizen|Rebellen|Terroristen|Extremisten|Dschihadisten|Terrormiliz))?"
)


@dataclass(frozen=True, slots=True)
class ActorMatch:
    """An actor phrase in text: offsets, surface form, canonical name (None for an unresolved anaphor)."""

    start: int
    end: int
    text: str
    canonical: str | None
    kind: ActorKind
    country: str | None = None


_KEY = 4  # prefix length: 4 keeps frequent short words ("und", "the") out of the candidate starts


def _prefixes(items: list[Any], path: str = "", k: int = _KEY) -> set[str]:
    """Lower-case literal prefixes (up to k chars) any match of a parsed pattern must start with.

    A prefix shorter than k means "anything may follow"; "" means the pattern can start anywhere.
    """
    if len(path) >= k or not items:
        return {path[:k].lower()}
    op, av = items[0]
    name, rest = str(op), items[1:]
    if name == "LITERAL":
        return _prefixes(rest, path + chr(av), k)
    if name == "IN":
        chars: list[str] = []
        for iop, iav in av:
            if str(iop) == "LITERAL":
                chars.append(chr(iav))
            elif str(iop) == "RANGE" and iav[1] - iav[0] < 40:
                chars.extend(chr(c) for c in range(iav[0], iav[1] + 1))
            else:
                return {path.lower()}
        return set().union(*(_prefixes(rest, path + c, k) for c in chars))
    if name == "BRANCH":
        return set().union(*(_prefixes(list(alt) + rest, path, k) for alt in av[1]))
    if name == "SUBPATTERN":
        return _prefixes(list(av[3]) + rest, path, k)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        lo, hi, sub = av
        out = _prefixes(rest, path, k) if lo == 0 else set()
        if hi == 1:
            return out | _prefixes(list(sub) + rest, path, k)
        return out | {p for p in _prefixes(list(sub), path, k)}  # stop after one repetition: safe
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return _prefixes(rest, path, k)
    return {path.lower()}


def _trie_regex(words: Iterable[str]) -> str:
    """A regex matching any of `words` as a prefix, nested as a trie so `re` checks each letter once."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        if "" in node:  # a shorter prefix suffices: anything may follow
            return ""
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return build(trie)


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


class FastAlternation:
    """A big `(?:alt1|alt2|...)` regex tried only at word starts whose first letters can begin a match.

    Why: Python's `re` tries every alternative at every word start; with ~150 alternatives that costs
    ~1 ms per KB of text. We compute each alternative's literal prefixes (up to 4 characters, from re's
    parse tree), find where they occur with an Aho-Corasick automaton (pyahocorasick, C speed), and run
    the full regex (same leftmost, first-alternative-wins semantics) only at word starts among them.
    """

    _STARTS = re.compile(r"(?<![\w-])\w")

    def __init__(self, alternatives: list[tuple[str, str]], flags: int = 0) -> None:
        from re import _parser  # noqa: PLC0415 - stdlib parse tree

        self._flags = flags
        self._alts = [(n, p, _prefixes(list(_parser.parse(p, flags)), k=_KEY)) for n, p in alternatives]
        self._anywhere = any("" in pre for _n, _p, pre in self._alts)
        self._cache: dict[str, re.Pattern[str] | None] = {}
        # word starts that can begin some alternative, found in C rather than by a Python loop over words
        prefixes = sorted({x for _n, _p, pre in self._alts for x in pre}, key=len, reverse=True)
        self._starts = (
            self._STARTS
            if self._anywhere
            else re.compile(r"(?<![\w-])(?=" + _trie_regex(prefixes) + ")", re.IGNORECASE)
        )
        self._automaton: Any = None
        if not self._anywhere:
            try:
                import ahocorasick  # noqa: PLC0415

                automaton = ahocorasick.Automaton()
                for x in prefixes:
                    automaton.add_word(x, len(x))
                automaton.make_automaton()
                self._automaton = automaton
            except ImportError:  # the regex prefilter gives the same result, only slower
                pass

    def _for_key(self, key: str) -> re.Pattern[str] | None:
        """The regex of the alternatives that can start with `key` (_KEY lower-case chars), cached."""
        pat = self._cache.get(key, False)
        if pat is not False:
            return pat  # type: ignore[return-value]
        alts = [(n, p) for n, p, pre in self._alts if any(key.startswith(x) for x in pre)]
        compiled = (
            re.compile("|".join(f"(?P<{n}>{p})" for n, p in alts) + r"(?![\w])", self._flags)
            if alts
            else None
        )
        self._cache[key] = compiled
        return compiled

    @staticmethod
    def name(m: re.Match[str]) -> str:
        return m.lastgroup or ""

    def _candidates(self, text: str, start: int, end: int) -> Iterable[int]:
        """Word starts in text[start:end] where some alternative's prefix occurs, in order."""
        if self._automaton is not None:
            low = lower_like_re(text[start:end])
            if len(low) == end - start:  # lower() kept the offsets (it may not for e.g. "İ")
                hits: set[int] = set()
                for e_idx, n in self._automaton.iter(low):
                    pos = start + e_idx - n + 1
                    if pos == 0 or not _word_char(text[pos - 1]):
                        hits.add(pos)
                return sorted(hits)
        return (w.start() for w in self._starts.finditer(text, start, end))

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
        end = len(text) if end is None else end
        cache, for_key = self._cache, self._for_key
        last = start
        for pos in self._candidates(text, start, end):
            if pos < last:
                continue
            key = lower_like_re(text[pos : pos + _KEY])
            pat = cache[key] if key in cache else for_key(key)
            if pat is not None:
                m = pat.match(text, pos, end)
                if m:
                    last = m.end()
                    yield m


def _compile() -> tuple[FastAlternation, FastAlternation, dict[str, tuple[str, ActorKind, str | None]]]:
    parts: list[tuple[str, str]] = []
    meta: dict[str, tuple[str, ActorKind, str | None]] = {}
    n = 0

    def add(pattern: str, canonical: str, kind: ActorKind, country: str | None) -> None:
        nonlocal n
        key = f"a{n}"
        n += 1
        if pattern.startswith("="):
            pattern = f"(?-i:{pattern[1:]})"
        parts.append((key, pattern))
        meta[key] = (canonical, kind, country)

    for canonical, variants in ARMED_GROUPS.items():
        for v in variants:
            # "Islamic State militants", "Taliban fighters", "IS-Kämpfer" are the group itself
            add(v + _GROUP_SUFFIX, canonical, "armed_group", None)
    for code, (name, en, de) in STATES.items():
        add(rf"(?-i:{en})[- ]{_EN_FORCE}", f"Government of {name}", "state", code)
        de_alt = "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in de.split("|"))
        add(rf"(?-i:(?:{de_alt})(?:e[nrs]?)?)\s+{_DE_FORCE}", f"Government of {name}", "state", code)
        if code == "US":
            add(rf"(?-i:US)-{_DE_FORCE}", f"Government of {name}", "state", code)
    add(_GENERIC_STATE, "", "generic_state", None)
    add(_ANAPHOR, "", "anaphor", None)
    add(_PRONOUN, "", "pronoun", None)
    # Alternation order matters for equal starts: longer, specific entries were added first.
    # Two scans: names (groups, state forces) are rare words, scanned over the whole article; references
    # ("the army", "the Islamists", "them") start with frequent words and are scanned only where needed.
    named = [(k, p) for k, p in parts if meta[k][1] in ("armed_group", "state")]
    refs = [(k, p) for k, p in parts if meta[k][1] not in ("armed_group", "state")]
    return FastAlternation(named, re.IGNORECASE), FastAlternation(refs, re.IGNORECASE), meta


_NAMED_RE, _REF_RE, _ACTOR_META = _compile()


def _scan(pattern: FastAlternation, text: str, start: int, end: int) -> list[ActorMatch]:
    out: list[ActorMatch] = []
    for m in pattern.finditer(text, start, end):
        canonical, kind, country = _ACTOR_META[pattern.name(m)]
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
    named = _scan(_NAMED_RE, text, start, end)
    return _merge(named, _scan(_REF_RE, text, start, end)) if refs else named


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
        return _merge(self.named_in_span(start, end), _scan(_REF_RE, self.text, start, end))

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
