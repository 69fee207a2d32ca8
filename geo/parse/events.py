"""Event extraction (English and German): who captured, attacked, besieged or left which place, and when.

Rule-based on purpose: the triggers of territorial change in news are few and formulaic ("fell to",
"seized", "eingenommen", "unter ihre Kontrolle gebracht"), and rules are fast (extract must run at 100+
articles/s), explainable to analysts (each event carries its evidence sentence) and need no model
download. For each trigger in a sentence we decide the voice (active / passive / "fell to" / nominal /
German verb-final), then pick

- the place: a resolved, non-dateline mention in the same sentence on the side the voice predicts,
  preferring specific places over provinces over countries; a mention after "150 km from", "near",
  "between", or of a speaker ("said ... in Washington") is only a fallback, and a country that is merely
  a container ("another provincial capital in Afghanistan") is never the captured place;
- the actor: the agent slot ("by"/"von"/"to"/"an") or the nearest actor phrase, normalised by
  `geo.parse.actors`; anaphors ("the Islamists", "them") resolve to the group the article names;
- the date: a date expression in the sentence nearest to the trigger ("in 2014", "on Thursday",
  "im Januar"), resolved against the article date; otherwise the article's own date. Unknown stays None
  (an undated article's "on Thursday"), and the words are kept in `Event.date_expression` so the event
  can be re-dated when an analyst dates the article.

Negated, hypothetical and planned statements ("failed to capture", "could fall", "plans to withdraw")
give no event; an attempt ("tried to seize") is an attack, not a capture. Confidence multiplies the
trigger's strength by penalties for a guessed actor, a fallback slot, a "near"/container place and the
mention's own resolution confidence.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from dataclasses import dataclass

from geo.model import EVENT_KINDS, Article, DatePrecision, Event, Mention
from geo.parse import lang
from geo.parse.actors import ActorContext, ActorMatch
from geo.parse.dates import DateSpan, find_dates, parse_marker
from geo.parse.lang import TriggerRule
from geo.parse.prefilter import Prefilter, Rule

__all__ = ["extract_events", "split_sentences", "tables"]

_I = re.IGNORECASE

# --- sentence splitting ----------------------------------------------------------------------------------

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*|\n")
# the splitter's small look-arounds, compiled once (it runs over every article)
_NEXT_CHAR = re.compile(r"[ \t]*(\S)")
_RUN_ON_NEXT = re.compile(r"[A-ZÄÖÜ][a-zäöüß]")
_WORD_BEFORE = re.compile(r"([A-Za-zÄÖÜäöüß]+)$")
_NEXT_AFTER_PUNCT = re.compile(r"\s*([\"'“„‚‘«(\[]?)(\S)")
_TOKEN_BEFORE = re.compile(r"(\S+)$")


def split_sentences(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over `text`, whitespace-trimmed.

    A regex splitter, not a library: fast, and it handles news quirks a library misses: run-ons such as
    "Taliban.The" (no space after the full stop), German ordinal dates ("1. Dezember", "13. August"),
    abbreviations and initials, and line-based headlines.
    """
    spans: list[tuple[int, int]] = []
    n = len(text)
    tab = tables()
    abbreviations, month_words = tab.abbreviations, tab.month_words
    for m in _BOUNDARY.finditer(text, start):
        b = m.end()
        if m.group(0) == "\n":
            prev = text[m.start() - 1] if m.start() > 0 else ""
            nxt = _NEXT_CHAR.match(text[b : b + 40])
            if prev and (prev.islower() or prev in ",-–(") and nxt and nxt.group(1).islower():
                continue  # a hard-wrapped line inside a sentence
            _push(text, start, m.start(), spans)
            start = b
            continue
        # punctuation boundary
        after = text[b : b + 3]
        if b < n and not after[:1].isspace():
            # no space: only a run-on "word.Word" is a boundary ("U.S.", "dw.com", "2.500" are not)
            if not (m.group(0)[0] in ".!?" and _RUN_ON_NEXT.match(after)):
                continue
            word = _WORD_BEFORE.search(text[max(0, m.start() - 30) : m.start()])
            if not word or len(word.group(1)) < 2 or word.group(1).lower() in abbreviations:
                continue
        else:
            nxt_m = _NEXT_AFTER_PUNCT.match(text[b : b + 60])
            if nxt_m is None:
                continue
            nxt_ch = nxt_m.group(2)
            if m.group(0).startswith("."):
                tok = _TOKEN_BEFORE.search(text[max(0, m.start() - 30) : m.start()])
                token = tok.group(1) if tok else ""
                bare = token.strip("\"'“„(").replace(".", "").lower()
                if bare in abbreviations or (len(bare) == 1 and bare.isalpha()):
                    continue
                if token.isdigit() and (nxt_ch.islower() or month_words.match(text, b + nxt_m.start(2))):
                    continue  # "1. Dezember", "13. August"
            if nxt_ch.islower():
                continue
        _push(text, start, b, spans)
        start = b
    _push(text, start, n, spans)
    return spans


def _push(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))


# --- triggers --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tables:
    """The event words of the registered languages, compiled."""

    triggers: tuple[TriggerRule, ...]
    trigger_re: Prefilter
    negation: re.Pattern[str]
    attempt: re.Pattern[str]
    modal: re.Pattern[str]
    speech: re.Pattern[str]
    talks: re.Pattern[str]
    abbreviations: frozenset[str]
    month_words: re.Pattern[str]
    subject_pronouns: frozenset[str]


def _build() -> _Tables:
    languages = lang.all_languages()
    triggers = tuple(t for x in languages for t in x.triggers)
    unknown = {t.kind for t in triggers} - set(EVENT_KINDS)
    if unknown:
        raise ValueError(f"trigger kinds {sorted(unknown)} are not in geo.model.EVENT_KINDS")

    def joined(fragments: list[str]) -> str:
        return "|".join(f for f in fragments if f)

    def words(lists: list[tuple[str, ...]]) -> str:
        return "|".join(w for ws in lists for w in ws)

    return _Tables(
        triggers=triggers,
        trigger_re=Prefilter([Rule(f"t{i}", t.pattern, t.prefixes) for i, t in enumerate(triggers)], _I),
        negation=re.compile("(?:" + joined([x.negation for x in languages]) + ")", _I),
        attempt=re.compile(r"\b(?:" + joined([x.attempt for x in languages]) + r")\b", _I),
        # case-sensitive on purpose: "May" is a month
        modal=re.compile(r"\b(?:" + joined([x.modal for x in languages]) + r")\b"),
        speech=re.compile(r"\b(?:" + words([x.speech for x in languages]) + r")\b", _I),
        talks=re.compile(r"\b(?:" + words([x.talks for x in languages]) + r")\b", _I),
        abbreviations=frozenset().union(*(x.abbreviations for x in languages)),
        month_words=re.compile("(?:" + words([x.month_words for x in languages]) + r")\b"),
        subject_pronouns=frozenset(w for x in languages for w in x.subject_pronouns),
    )


@lang.compiled_per_language_set
def tables() -> _Tables:
    """The event tables of the registered languages, compiled once per set of languages."""
    return _build()


_PASSIVE_EN = re.compile(
    r"\b(?:was|were|been|being|is|are|be|got|get)\s+(?:[a-z]+ly\s+|all\s+|also\s+|now\s+|then\s+){0,2}$", _I
)
_PASSIVE_DE = re.compile(r"\b(?:wurde|wurden|worden|wird|werden|ist|sind|war|waren)\b", _I)
_AGENT_INTRO = re.compile(r"^[\s,]*(?:by|von|vom|durch|to|an|der|des)\s+", _I)
_NOMINAL_AGENT = re.compile(r"\b(?:by|to|durch|an)\s+(?:the\s+|die\s+|den\s+|der\s+)?$", _I)
_AN_BEFORE = re.compile(r"\ban\s+(?:die|den|der)?\s*$", _I)
_BY_TO_BEFORE = re.compile(r"\b(?:by|to)\s+(?:the\s+)?$", _I)
_VON_BEFORE = re.compile(r"\b(?:von|vom|durch)\s+(?:den\s+|der\s+|dem\s+|die\s+)?$", _I)
_TO_BEFORE = re.compile(r"\b(?:to|zu)\s+$")
_BY_AFTER = re.compile(r"\s*by\b", _I)
_SOURCE_INTRO = re.compile(r"\b(?:from|von|vom|aus)\s+(?:the\s+|den\s+|der\s+|dem\s+)?$", _I)

_NEAR_BEFORE = re.compile(
    r"(?:\d[\d,.]*\s*(?:km|kilomet(?:er|re)s?|miles?|Meilen)\s+(?:\([^)]*\)\s+)?(?:[\wäöü-]+\s+){0,2}"
    r"(?:of|from|von|vor)\s+(?:the\s+|der\s+|dem\s+)?(?:(?:city|town|Stadt)\s+(?:of\s+)?)?"
    r"|\b(?:near|outside|close\s+to|around|nahe|nahe\s+der\s+Stadt|bei|unweit|außerhalb|outskirts\s+of|Rande\s+von)\s+(?:the\s+|von\s+)?"
    r"|\b(?:north|south|east|west|northeast|northwest|southeast|southwest|nördlich|südlich|östlich|westlich)\w*\s+(?:of|von)\s+"
    r"|\b(?:between|zwischen)\s+(?:[\wÄÖÜäöüß'’-]+\s+){0,2}(?:and|und)\s+"
    r"|\b(?:between|zwischen)\s+)$",
    _I,
)
_NEAR_KEYS = (
    "km", "kilomet", "mile", "meilen", "near", "outside", "close", "around", "nahe", "bei", "unweit",
    "außerhalb", "outskirts", "rande", "north", "south", "east", "west", "nördlich", "südlich", "östlich",
    "westlich", "between", "zwischen",
)  # fmt: skip
# one C-speed scan for "does any near-word occur in this window" (a substring test, as `k in low`)
_NEAR_KEY_RE = re.compile("|".join(re.escape(k) for k in _NEAR_KEYS))
_NEAR_NUMBER_SLACK = 40  # characters of "1,234.5 " a distance may put before its unit
_IN_BEFORE = re.compile(
    r"\b(?:in|im|at|across|throughout)\s+(?:the\s+|der\s+|den\s+|dem\s+)?(?:[\wäöü-]+\s+){0,2}$", _I
)
_COORD = re.compile(
    r"^\s*(?:,|and|und|sowie|as well as|or|oder|, and|, und|&)\s*"
    r"(?:(?:the\s+)?(?:cities|towns|city|town|Städte|Stadt|districts?)\s+(?:of\s+)?)?$",
    _I,
)

_NOT_OBJECT = re.compile(
    r"\b(?:in|at|as|with|after|before|near|for|to|during|on|into|inside|outside|across|within|while|power"
    r"|hostages?|prisoners?|weapons|im|am|nach|bei|mit|vor|als|aus|Macht|Geiseln)\b",
    _I,
)
_CEASEFIRE_GAP = re.compile(
    r"^\s*(?:(?:agreement|deal|accord|Abkommen|Vereinbarung)\s+)?(?:in|for|across|around|im|für|um|zwischen|between)"
    r"\s+(?:the\s+|der\s+|dem\s+|den\s+|die\s+)?(?:(?:city|town|province|region|Stadt|Provinz|Region)\s+(?:of\s+)?)?$",
    _I,
)
_CLAUSE_STOP = re.compile(r"[;]|\s[–—]\s")
_NOMINAL_GAP = re.compile(
    r"^\s*(?:(?:the|der|des|die|dem)\s+)?(?:[\wäöüß'’-]+\s+){0,3}?"
    r"(?:(?:city|town|village|district|province|capital|base|Stadt|Ortschaft|Provinzhauptstadt|Hauptstadt|Dorf|Distrikt"
    r"|Provinz)\s+(?:of\s+)?)?$",
    _I,
)


@dataclass(slots=True)
class _Cand:
    mention: Mention
    side: str  # before | after
    dist: int
    near: bool
    speaker: bool
    container: bool
    prec: int = 9  # the mention's where_precision (9: no place), read once


def _prec(m: Mention) -> int:
    return m.place.where_precision if m.place is not None else 9


def _looks(text: str, m: Mention, sent_start: int, sent_end: int) -> tuple[bool, bool, bool]:
    """(near, in_before, speech) of a mention in its sentence: the same for every trigger there."""
    before = text[max(sent_start, m.start - 80) : m.start]
    low = before.lower()
    # `$`-anchored searches are slow; a substring test rules most windows out first, and a match can only
    # start at a near-word or at the number right before one ("12 km from"), so the search starts there
    key = _NEAR_KEY_RE.search(low)
    near = False
    if key is not None:
        from_pos = max(0, key.start() - _NEAR_NUMBER_SLACK) if len(low) == len(before) else 0
        near = _NEAR_BEFORE.search(before, from_pos) is not None
    in_before = bool(_IN_BEFORE.search(before[-40:]))
    speech = in_before and bool(
        tables().speech.search(text[max(sent_start, m.start - 60) : min(sent_end, m.end + 40)])
    )
    return near, in_before, speech


def _classify(
    text: str,
    m: Mention,
    sent_start: int,
    sent_end: int,
    trig_s: int,
    trig_e: int,
    looks: dict[tuple[int, int], tuple[bool, bool, bool]] | None = None,
) -> _Cand:
    """A mention as a candidate for a trigger's place; `looks` caches the trigger-independent part."""
    got = looks.get((m.start, m.end)) if looks is not None else None
    if got is None:
        got = _looks(text, m, sent_start, sent_end)
        if looks is not None:
            looks[(m.start, m.end)] = got
    near, in_before, speech = got
    speaker = speech and not (m.start < trig_e and m.end > trig_s)
    prec = _prec(m)
    container = in_before and prec >= 4
    if m.start < trig_e and m.end > trig_s:  # inside a split trigger: "zogen sich aus Cherson zurück"
        side, dist = "after", 0
    else:
        side = "after" if m.start >= trig_e else "before"
        dist = m.start - trig_e if side == "after" else trig_s - m.end
    return _Cand(m, side, dist, near, speaker, container, prec)


def _rank(c: _Cand, prefer: str) -> tuple[int, int, int, int]:
    """Lower is better: usable slot first, then specific over admin over country, then distance."""
    penalty = (2 if c.speaker else 0) + (1 if c.near else 0) + (1 if c.container else 0)
    side_pen = 0 if (prefer == "any" or c.side == prefer) else 1
    spec = 0 if c.prec <= 3 else (1 if c.prec < 6 else 2)
    return (penalty, side_pen, spec, c.dist)


def _pick_place(text: str, cands: list[_Cand], prefer: str, kind: str) -> tuple[_Cand | None, list[_Cand]]:
    usable = [c for c in cands if not c.speaker]
    if kind != "ceasefire":
        # a country is captured (or attacked) only as the direct patient, not as a container ("in Iraq")
        usable = [c for c in usable if not (c.prec >= 6 and (c.container or c.near))]
    if kind == "captured":
        # a captured country is the verb's own object, right in its slot ("seized Afghanistan"), not a
        # country named elsewhere in the sentence ("withdrawal of US forces ..., the Taliban are conquering")
        usable = [c for c in usable if c.prec < 6 or (c.side == prefer or (prefer == "any" and c.dist <= 30))]
    if kind in ("captured", "withdrew"):
        usable = [c for c in usable if not (c.near and c.prec >= 4)]
        # "near X" only locates an object that is in its slot ("seized a village near X")
        usable = [c for c in usable if not (c.near and prefer != "any" and c.side != prefer)]
    if not usable:
        return None, []
    best = min(usable, key=lambda c: _rank(c, prefer))

    # coordinated places of the same level: "seized Herat, Kandahar and Lashkar Gah"; not an apposition
    # such as "Lashkar Gah, Helmand" or "Kunduz, Afghanistan"
    def level(c: _Cand) -> int:
        p = c.prec
        return 0 if p <= 3 else (1 if p < 6 else 2)

    group = [best]
    ordered = [c for c in sorted(usable, key=lambda c: c.mention.start) if level(c) == level(best)]
    i = ordered.index(best)
    for j in range(i + 1, len(ordered)):
        a, b = ordered[j - 1].mention, ordered[j].mention
        if _COORD.match(text[a.end : b.start]) and not ordered[j].container:
            group.append(ordered[j])
        else:
            break
    for j in range(i - 1, -1, -1):
        a, b = ordered[j].mention, ordered[j + 1].mention
        if _COORD.match(text[a.end : b.start]) and not ordered[j].container:
            group.insert(0, ordered[j])
        else:
            break
    return best, group


def _overlaps(a_s: int, a_e: int, b_s: int, b_e: int) -> bool:
    return a_s < b_e and b_s < a_e


def _pick_actor(
    text: str,
    ctx: ActorContext,
    actors: list[ActorMatch],
    voice: str,
    passive: bool,
    trig_s: int,
    trig_e: int,
    place_spans: list[tuple[int, int]],
    place_country: str | None = None,
) -> tuple[str | None, str | None, float]:
    """(canonical actor, surface form, factor) for a trigger; factor < 1 for anaphors and guesses."""
    acts = [a for a in actors if not any(_overlaps(a.start, a.end, s, e) for s, e in place_spans)]

    def value(a: ActorMatch) -> tuple[str | None, str | None, float]:
        canonical = ctx.resolve(a, country_name=place_country)
        if canonical is None and a.kind == "pronoun":
            canonical = ctx.armed_group_before(a.start)
        factor = {"armed_group": 1.0, "state": 1.0, "generic_state": 0.9, "anaphor": 0.9, "pronoun": 0.8}[
            a.kind
        ]
        return canonical, a.text, factor

    # actors inside a split trigger count as after it ("fiel ihnen ... in die Hände")
    head_e = trig_s + len(text[trig_s:trig_e].split(maxsplit=1)[0])
    after = [a for a in acts if a.start >= head_e]
    before = [a for a in acts if a.end <= trig_s]
    # Agent slot after the trigger: "by X", "fell to X", "fiel an X", "von den Taliban eingenommen"
    if voice == "fell_any":
        for a in after:
            if _AN_BEFORE.search(text[max(trig_e, a.start - 12) : a.start]):
                return value(a)
    if voice == "nominal":  # "the fall of Herat to the Taliban", "Einnahme von Bachmut durch Wagner"
        for a in after:
            gap = text[trig_e : a.start]
            if len(gap) <= 80 and a.kind != "pronoun" and _NOMINAL_AGENT.search(gap):
                return value(a)
    if voice in ("fell", "lost") or passive:
        for a in after:
            gap = text[trig_e : a.start]
            if len(gap) <= 60 and (voice == "fell" or _AGENT_INTRO.match(gap) or _BY_TO_BEFORE.search(gap)):
                if a.kind != "pronoun" or voice == "fell":
                    return value(a)
        if passive and voice == "verb_final":
            for a in reversed(before):
                if _VON_BEFORE.search(text[max(0, a.start - 12) : a.start]):
                    return value(a)
        if voice == "fell" or (passive and voice != "verb_final"):
            return None, None, 0.7
        # German: "sind ... eingedrungen und haben Kundus erobert" looked passive; take the active reading
    # Active: nearest actor before the trigger (not a source "from X"), else after (German V2 inversion)
    for a in reversed(before):
        if a.kind == "pronoun" and a.text not in tables().subject_pronouns:
            continue
        if _SOURCE_INTRO.search(text[max(0, a.start - 12) : a.start]):
            continue
        return value(a)
    for a in after:
        if a.kind == "pronoun":
            continue
        if _SOURCE_INTRO.search(text[max(0, a.start - 12) : a.start]):
            continue
        if a.start - trig_e <= 60:
            return value(a)
    return None, None, 0.7


def _pick_date(
    article: Article,
    text: str,
    s: int,
    e: int,
    trig_s: int,
    allow_since: bool = False,
    cache: dict[tuple[int, int], list[DateSpan]] | None = None,
) -> tuple[dt.date | None, DatePrecision | None, str | None]:
    """(date, precision, the words that dated it) for a trigger: the nearest date expression in its clause,
    else the article's date (expression None).

    "since X" is a start point: it dates only a state ("in the hands of X since 2012", "besieged since
    February"), never a one-off event. In an undated article "on Thursday" gives date None but keeps the
    expression, so the event can be dated once an analyst dates the article.
    """
    base, base_prec = article.date, article.date_precision
    ds, de = max(s, trig_s - 250), min(e, trig_s + 250)  # a date far from the trigger is not its date
    # the triggers of a short sentence share its window: its dates are found once (`cache`)
    found = cache.get((ds, de)) if cache is not None else None
    if found is None:
        found = find_dates(text, ds, de, base=base, base_precision=base_prec)
        if cache is not None:
            cache[(ds, de)] = found
    spans = [d for d in found if allow_since or not d.since]
    if base is not None:
        spans = [d for d in spans if d.date is None or d.date <= base]

    # only dates in the trigger's clause
    def same_clause(d_s: int) -> bool:
        a, b = sorted((d_s, trig_s))
        return not _CLAUSE_STOP.search(text[a:b])

    spans = [d for d in spans if same_clause(d.start)]
    if spans:
        best = min(spans, key=lambda d: abs(d.start - trig_s))
        if best.date is not None:
            return best.date, best.precision, best.text
        if base is None:
            return None, None, best.text
    return base, base_prec, None


_FROM_BEFORE = re.compile(
    r"\b(?:from|out of|of|aus|von|vom)\s+(?:the\s+|der\s+|dem\s+)?(?:[\wäöü-]+\s+){0,2}$", _I
)


def _slot_filter(
    text: str, cands: list[_Cand], trig: TriggerRule, kind: str, passive: bool, s: int, e: int, te: int
) -> list[_Cand]:
    """Keep the candidates that can fill the trigger's place slot (voice-specific syntax checks)."""

    def before(c: _Cand, n: int = 40) -> str:
        return text[max(s, c.mention.start - n) : c.mention.start]

    if trig.voice == "withdrew":
        # a withdrawal is from a place; "withdrawn to a base" names where they went, not what was left
        cands = [
            c
            for c in cands
            if (c.side == "after" and _FROM_BEFORE.search(before(c)))
            or (trig.split_verb and c.side == "before" and _FROM_BEFORE.search(before(c)))
        ]
    if trig.voice == "fell":
        # "Herat fell to the Taliban", "Kunduz has fallen": the place is the subject, before the verb
        cands = [c for c in cands if c.side == "before" or c.dist == 0]
    if trig.voice == "nominal":
        # "the fall of (the historic city of) Herat": the place follows "of" closely, no verb between
        return [c for c in cands if c.side == "after" and _NOMINAL_GAP.match(text[te : c.mention.start])]
    if trig.voice in ("active", "withdrew", "lost") and not passive:
        # the object of an active verb follows it closely; a far place after "from" is not the object
        cands = [
            c
            for c in cands
            if c.side == "before"
            or trig.voice == "withdrew"
            or (c.dist <= 70 and not _SOURCE_INTRO.search(before(c, 12)))
        ]
        if kind == "captured" and trig.voice == "active":
            # "seized power in Kabul", "took over as president in Kabul": the place is not the object
            cands = [
                c for c in cands if c.side == "before" or not _NOT_OBJECT.search(text[te : c.mention.start])
            ]
    if trig.voice == "ceasefire":
        # "a ceasefire in Tikrit", "In Idlib, a truce ...": not "talks on a ceasefire stalled in Doha"
        cands = [
            c
            for c in cands
            if (c.side == "after" and _CEASEFIRE_GAP.match(text[te : c.mention.start]))
            or (c.side == "before" and c.dist <= 60 and not tables().talks.search(text[s:e]))
        ]
    return cands


# the side of the trigger where each voice puts the place ("active" depends on the passive test)
_PREFER = {
    "passive": "before",
    "fell": "before",
    "fell_any": "any",
    "expel": "after",
    "lost": "after",
    "nominal": "after",
    "withdrew": "after",
    "verb_final": "any",
    "ceasefire": "any",
}

_MAX_TRIGGERS = 1000  # a news article has tens; a pathological 5 MB file must not take minutes
_MAX_SENTENCE = 1500  # longer "sentences" are read in windows around each trigger (bounded cost)
_WINDOW = 300


def _window(text: str, s: int, e: int, ts: int, te: int) -> tuple[int, int]:
    """A clause-sized window of text[s:e] around a trigger, cut at spaces."""
    ws, we = max(s, ts - _WINDOW), min(e, te + _WINDOW)
    if ws > s:
        sp = text.find(" ", ws, ts)
        ws = sp + 1 if sp >= 0 else ws
    if we < e:
        sp = text.rfind(" ", te, we)
        we = sp if sp >= 0 else we
    return ws, we


def _main_country(mentions: list[Mention]) -> str | None:
    names = [
        m.place.country_name
        for m in mentions
        if m.place is not None and m.role != "dateline" and m.place.country_name
    ]
    return ActorContext.main_country(names)


def extract_events(
    article: Article, mentions: list[Mention], *, country_name: str | None = None
) -> list[Event]:
    """Events reported in an article, each tied to a resolved mention and its evidence sentence.

    `mentions` are resolved (`Mention.place` may be None: such mentions are not used; `role ==
    "dateline"` mentions are never event places). `country_name` (the article's main country) lets
    "security forces" become that country's government; by default it is derived from the mentions.
    """
    text = article.text
    usable = sorted(
        (m for m in mentions if m.place is not None and m.role != "dateline"), key=lambda m: m.start
    )
    starts = [m.start for m in usable]
    marker = parse_marker(text)  # the " date YYYY-MM-DD" marker is metadata, not part of any sentence
    body = marker[2] if marker else 0
    # one trigger scan over the article; no trigger or no usable place: nothing to split or resolve
    tab = tables()
    all_triggers = (
        list(itertools.islice(tab.trigger_re.finditer(text, body), _MAX_TRIGGERS)) if usable else []
    )
    if not all_triggers:
        return []
    trig_starts = [t.start() for t in all_triggers]
    ctx = ActorContext(text, country_name=country_name or _main_country(mentions))
    best: dict[tuple, Event] = {}
    order: list[tuple] = []
    date_cache: dict[tuple[int, int], list[DateSpan]] = {}

    for s0, e0 in split_sentences(text, body):
        lo = bisect.bisect_left(trig_starts, s0)
        hi = bisect.bisect_left(trig_starts, e0)
        trig_matches = [t for t in all_triggers[lo:hi] if t.end() <= e0]
        if not trig_matches:
            continue
        if e0 - s0 <= _MAX_SENTENCE:
            units = [(s0, e0, trig_matches)]
        else:  # a "sentence" of a table dump or a text without full stops: a window per trigger
            units = [(*_window(text, s0, e0, t.start(), t.end()), [t]) for t in trig_matches]
        for s, e, unit_triggers in units:
            ms = usable[bisect.bisect_left(starts, s) : bisect.bisect_left(starts, e)]
            ms = [m for m in ms if m.end <= e]
            if not ms:
                continue
            # a place name inside a named actor ("Afghan forces") is never the event's place
            named_spans = [(a.start, a.end) for a in ctx.named_in_span(s, e)]
            # every actor phrase of the unit (references too): scanned once, when a trigger first needs it
            sent_actors: list[ActorMatch] | None = None
            sent_ms = [
                m for m in ms if not any(_overlaps(m.start, m.end, a_s, a_e) for a_s, a_e in named_spans)
            ]
            if not sent_ms:
                continue
            # per mention: its context in this sentence, shared by the triggers
            looks: dict[tuple[int, int], tuple[bool, bool, bool]] = {}
            for tm in unit_triggers:
                trig = tab.triggers[int(tab.trigger_re.name(tm)[1:])]
                ts, te = tm.span()
                pre = text[max(s, ts - 60) : ts]
                clause_pre = _CLAUSE_STOP.split(pre)[-1]
                if tab.negation.search(clause_pre[-40:]):
                    continue
                kind, factor = trig.kind, 1.0
                if tab.attempt.search(clause_pre[-40:]):
                    if kind == "captured":
                        kind = "attacked"
                    factor *= 0.8
                elif tab.modal.search(clause_pre[-30:]) or _TO_BEFORE.search(clause_pre):
                    continue  # forecasts, plans, conditions ("could fall", "plans to withdraw"): no event
                passive = False
                if trig.voice == "active":
                    # "was captured" is passive, "are conquering" is not
                    participle = not tm.group(0).split()[0].lower().endswith("ing")
                    passive = participle and (
                        bool(_PASSIVE_EN.search(pre)) or bool(_BY_AFTER.match(text[te : te + 6]))
                    )
                elif trig.voice == "verb_final":
                    passive = bool(_PASSIVE_DE.search(text[max(s, ts - 80) : min(e, te + 20)]))
                prefer = ("before" if passive else "after") if trig.voice == "active" else _PREFER[trig.voice]
                cands = [_classify(text, m, s, e, ts, te, looks) for m in sent_ms]
                cands = _slot_filter(text, cands, trig, kind, passive, s, e, te)
                chosen, group = _pick_place(text, cands, prefer, kind)
                if chosen is None:
                    continue
                place_spans = [(c.mention.start, c.mention.end) for c in group]
                chosen_place = chosen.mention.place
                if sent_actors is None:
                    sent_actors = ctx.in_span(s, e)
                actor, actor_text, a_factor = _pick_actor(
                    text,
                    ctx,
                    sent_actors,
                    trig.voice,
                    passive,
                    ts,
                    te,
                    place_spans,
                    chosen_place.country_name if chosen_place is not None else None,
                )
                if actor_text is None and trig.needs_agent:
                    continue  # "prices fell to 5 percent in Kabul": "fell to" without a party is no capture
                date, date_prec, date_expr = _pick_date(article, text, s, e, ts, trig.state, date_cache)
                for c in group:
                    m = c.mention
                    place = m.place
                    assert place is not None
                    conf = trig.base * factor * a_factor
                    if c.side != prefer and prefer != "any":
                        conf *= 0.8
                    if c.near:
                        conf *= 0.6
                    if c.container:
                        conf *= 0.6
                    if m.confidence:
                        conf *= 0.6 + 0.4 * max(0.0, min(1.0, m.confidence))
                    where = place.where_precision
                    if c.near:
                        where = max(where, 2)
                    ev = Event(
                        kind=kind,
                        actor=actor,
                        place=place,
                        place_text=m.text,
                        date=date,
                        date_precision=date_prec if date else None,
                        where_precision=where,
                        confidence=round(max(0.05, min(0.99, conf)), 3),
                        evidence=text[s:e],
                        evidence_start=s,
                        evidence_end=e,
                        actor_text=actor_text,
                        mention_start=m.start,
                        mention_end=m.end,
                        date_expression=date_expr,
                    )
                    key = (kind, place.geonameid, actor, date, s)
                    if key not in best:
                        order.append(key)
                        best[key] = ev
                    elif ev.confidence > best[key].confidence:
                        best[key] = ev
    return [best[k] for k in order]
