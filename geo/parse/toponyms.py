"""Find place-name mentions in English and German news text.

How it works, and why:

* **Gazetteer scan.** Every surface name of the world gazetteer (names, alternate names, aliases) is
  reduced to its `simple_key` (case, diacritics, apostrophes and separators folded) and put in a hash set,
  with a table "first token -> longest name starting with it". The text is tokenised once; at each
  capitalised token the longest run of tokens whose key is a gazetteer name wins (longest match,
  word boundaries by construction). This is the same search an Aho-Corasick automaton over the keys would
  do, but keyed by whole tokens, so offsets need no map back from a normalised text and the index builds
  from plain sets (it is cached on disk next to the gazetteer build). Spellings that only meet after
  transliteration folding ("Qala-i-Naw", "Masar-i-Scharif") are found by a second, `fold`-keyed lookup.
* **Rules that say no.** GeoNames has a place for almost any capitalised word, so a candidate is dropped
  when it is an actor or organisation (NATO, Taliban, Daesh...), part of a person's name (after a title
  such as "spokesman" or "Außenminister", after a given name, next to "said"/"sagte", or a surname seen
  so in the same article), an all-caps acronym, or an ordinary word of the language (sentence-initial
  words, German nouns, title-case headlines) naming only a minor place.
* **Morphology and context.** German genitive "-s" (Afghanistans, Mossuls, Iraks) is accepted; English
  "X province" extends the mention; a wire dateline ("Washington (AP)", "KABUL, Aug 13 (Reuters) -",
  "Kabul, 13. August 2021 (dpa)") marks its place with role "dateline".

`find_mentions(article)` returns unresolved mentions with their gazetteer candidates filled in
(in the gazetteer's ranking); `geo.parse.resolve` chooses among them with the document's context.
"""

from __future__ import annotations

import bisect
import os
import pickle
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from geo.gazetteer.normalize import fold, simple_key
from geo.model import Article, Candidate, Mention
from geo.parse import toponym_rules as rules

__all__ = ["find_mentions", "NameIndex", "name_index", "Token", "tokenize"]

INDEX_VERSION = 4
MAX_NAME_TOKENS = 6
FOLD_MAX_TOKENS = 3
DATELINE_WINDOW = 600  # datelines open an article: look only at its first characters

_TOKEN_RE = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
_TOKEN_SPLIT = re.compile(f"({_TOKEN_RE.pattern})")
_GAP_OK = re.compile(r"[ \t\u00a0]{1,2}|[ \t]?[-\u2010\u2011][ \t]?|\.[ \t]?|['’ʼ]")


class Token:
    """One word of the text: offsets, surface, `simple_key`, capitalisation and sentence position.

    `key` is computed on first use: most words of an article are never looked at as a name.
    """

    __slots__ = ("start", "end", "text", "cap", "upper", "initial", "_key")

    def __init__(
        self, start: int, end: int, text: str, cap: bool, upper: bool, initial: bool = False
    ) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.cap = cap
        self.upper = upper
        self.initial = initial
        self._key: str | None = None

    @property
    def key(self) -> str:
        k = self._key
        if k is None:
            k = self._key = simple_key(self.text)
        return k

    def __repr__(self) -> str:
        return f"Token({self.start}, {self.end}, {self.text!r})"


def tokenize(text: str) -> list[Token]:
    """The words that can matter for place names, with offsets, in text order.

    Kept: every capitalised word and the lower-case words right before and after one (titles such as
    "spokesman", verbs such as "said", particles such as "al"/"von", connectors such as "-e-"/"and", head
    words such as "province"). Runs of lower-case words far from any capital are dropped: they cannot
    start, join or qualify a name, and skipping them halves the work on long texts. Two kept tokens are
    neighbours in the text only when the gap between them is short, which every rule checks.

    An English possessive "'s" is cut off ("Afghanistan's" -> "Afghanistan"). A capitalised token is
    flagged `initial` when it opens a sentence or a line, or sits in a title-case line (headlines,
    menus), where capitalisation says nothing about names.
    """
    out: list[Token] = []
    append = out.append
    prev_end = 0
    prev_cap = False
    pending: tuple[int, int, str] | None = None
    n = len(text)
    next_nl = text.find("\n")
    if next_nl < 0:
        next_nl = n
    # Line bookkeeping costs one comparison per word: the index of each line's first word, and where
    # each line starts; word statistics are computed afterwards, only for lines short enough to be titles.
    newlines: list[int] = []  # offsets of the newlines crossed
    line_first: list[int] = [0]  # index (among all words) of each line's first word
    count = 0
    apostrophes = _APOSTROPHE_CHARS
    # `_TOKEN_RE`'s matches, from a split on it (words at odd indices, the text between them at even
    # ones): the same words as `finditer`, without a match object per word (half the cost)
    parts = _TOKEN_SPLIT.split(text)
    pos = len(parts[0])
    for i in range(1, len(parts), 2):
        word = parts[i]
        start = pos
        end = start + len(word)
        pos = end + len(parts[i + 1])
        if word[-1] == "s" and len(word) > 3 and word[-2] in apostrophes:  # possessive 's
            word = word[:-2]
            end -= 2
        while start > next_nl:
            newlines.append(next_nl)
            line_first.append(count)
            next_nl = text.find("\n", next_nl + 1)
            if next_nl < 0:
                next_nl = n
        count += 1
        if word[0].isupper():
            if pending is not None:
                append(Token(pending[0], pending[1], pending[2], False, False, False))
                pending = None
            initial = False
            if start != prev_end + 1 or text[prev_end] != " ":
                gap = text[prev_end:start]
                stripped = gap.strip(_GAP_STRIP)
                initial = (
                    prev_end == 0 or "\n" in gap or (stripped[-1:] in _SENTENCE_END if stripped else False)
                )
            append(Token(start, end, word, True, len(word) > 1 and word.isupper(), initial))
            prev_cap = True
        else:
            if prev_cap:
                append(Token(start, end, word, False, False, False))
            else:
                pending = (start, end, word)
            prev_cap = False
        prev_end = end
    if out:
        _mark_title_lines(text, out, newlines, line_first, count)
    return out


def _mark_title_lines(
    text: str, toks: list[Token], newlines: list[int], line_first: list[int], count: int
) -> None:
    """Flag the kept tokens of title-case lines (headlines, menus) as `initial`.

    A title-case line has at most 16 words, at least 3 of 4+ letters, and at least 70% of those
    capitalised ("Taliban Capture Several Provincial Capitals"). `line_first[k]` is the index of line
    k's first word among all `count` words; `newlines[k - 1]` is the newline that opens line k.
    """
    starts: list[int] | None = None
    for k, first in enumerate(line_first):
        words_in_line = (line_first[k + 1] if k + 1 < len(line_first) else count) - first
        if not 3 <= words_in_line <= 16:  # fewer than 3 words cannot hold 3 long ones
            continue
        ls = newlines[k - 1] + 1 if k else 0
        le = newlines[k] if k < len(newlines) else text.find("\n", ls)
        if le < 0:
            le = len(text)
        long_words = caps = 0
        for w in _TOKEN_RE.findall(text, ls, le):
            if w[-1] == "s" and len(w) > 3 and w[-2] in _APOSTROPHE_CHARS:
                w = w[:-2]
            if len(w) > 3 and w[0].isalpha():
                long_words += 1
                if w[0].isupper():
                    caps += 1
        if long_words >= 3 and caps >= 0.7 * long_words:
            if starts is None:
                starts = [t.start for t in toks]
            for i in range(bisect.bisect_left(starts, ls), bisect.bisect_left(starts, le)):
                toks[i].initial = True


_BROKEN_WORD = ("¬", "\u00ad")
_APOSTROPHE_CHARS = "'’ʼ"
_GAP_STRIP = " \t\u00a0\"'“”„«»‚‘’()[]*•–—-"
_SENTENCE_END = frozenset(".!?:;")


# --- the name index ------------------------------------------------------------------------------------


@dataclass(slots=True)
class NameIndex:
    """Keys of every gazetteer surface name, for the scan.

    keys: `simple_key` of each name; first_len: first key token -> most tokens of a name starting with it;
    folded: `fold` of each name (transliteration-tolerant second chance); caps: names written in capitals
    in the gazetteer ("USA", "UAE"), the only all-caps tokens accepted outside a dateline.
    """

    keys: frozenset[str]
    first_len: dict[str, int]
    folded: frozenset[str]
    caps: frozenset[str]


def _build_index(names: list[str]) -> NameIndex:
    keys: set[str] = set()
    first_len: dict[str, int] = {}
    folded: set[str] = set()
    caps: set[str] = set()
    plain_key = getattr(simple_key, "__wrapped__", simple_key)  # a million distinct names: skip the LRU
    for name in names:
        if not name or len(name) > 60:
            continue
        key = plain_key(name)
        if not key or not key.isascii():  # other scripts never occur in en/de text tokens
            continue
        if len(name) >= 2 and name.isupper() and name.isalpha():
            caps.add(name)
        if key in keys:  # spelling variants differing only in case/diacritics: already indexed
            continue
        keys.add(key)
        parts = key.split(" ")
        if len(parts) > MAX_NAME_TOKENS:
            continue
        if first_len.get(parts[0], 0) < len(parts):
            first_len[parts[0]] = len(parts)
        if len(key) >= 4:
            folded.add(fold(name))
    simple_key.cache_clear()
    fold.cache_clear()
    return NameIndex(frozenset(keys), first_len, frozenset(folded), frozenset(caps))


def _build_index_from_keys(gaz: object) -> NameIndex | None:
    """Fast path: reuse the gazetteer's own key tables (the same `simple_key`/`fold` of every name).

    Computing a million keys again costs ~20 s after each gazetteer build; the gazetteer already stores
    them. Its tables are internal, so any surprise falls back to the public `surface_names()` path.
    """
    try:
        s_keys = gaz._s_keys.all()  # type: ignore[attr-defined]
        f_keys = gaz._f_keys.all()  # type: ignore[attr-defined]
        surface = gaz.surface_names()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - internal layout changed: use the public API instead
        return None
    if not s_keys or not all(isinstance(k, str) for k in s_keys[:10]):
        return None
    keys = frozenset(k for k in s_keys if k and k.isascii() and len(k) <= 120)
    first_len: dict[str, int] = {}
    for key in keys:
        parts = key.split(" ")
        if len(parts) <= MAX_NAME_TOKENS and first_len.get(parts[0], 0) < len(parts):
            first_len[parts[0]] = len(parts)
    folded = frozenset(k for k in f_keys if len(k) >= 3)
    caps = frozenset(n for n in surface if len(n) >= 2 and n.isupper() and n.isalpha())
    return NameIndex(keys, first_len, folded, caps)


def _build_dir() -> Path:
    from geo.paths import gazetteer_dir

    return gazetteer_dir()


_INDEX: NameIndex | None = None
_LOCK = threading.Lock()


def name_index() -> NameIndex:
    """The scan index, built once per process from the gazetteer and cached on disk.

    The disk cache (`toponym_index.pkl` in the gazetteer folder) is reused while it is newer than the
    gazetteer build stamp, so a rebuilt gazetteer invalidates it automatically.
    """
    global _INDEX
    if _INDEX is not None:
        return _INDEX
    with _LOCK:
        if _INDEX is not None:
            return _INDEX
        from geo.gazetteer.lookup import get_gazetteer

        build = _build_dir()
        cache = build / "toponym_index.pkl"
        stamp = build / ".complete"
        stamp_time = stamp.stat().st_mtime if stamp.exists() else 0.0
        index: NameIndex | None = None
        if cache.exists() and cache.stat().st_mtime >= stamp_time:
            try:
                with cache.open("rb") as fh:
                    version, payload = pickle.load(fh)
                if version == INDEX_VERSION:
                    index = payload
            except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError):
                index = None
        if index is None:
            gaz = get_gazetteer()
            index = _build_index_from_keys(gaz) or _build_index(list(gaz.surface_names()))
            if build.is_dir():
                tmp = cache.with_suffix(f".tmp{os.getpid()}")
                try:
                    with tmp.open("wb") as fh:
                        pickle.dump((INDEX_VERSION, index), fh, protocol=pickle.HIGHEST_PROTOCOL)
                    os.replace(tmp, cache)
                except OSError:
                    tmp.unlink(missing_ok=True)
        _INDEX = index
        return index


# --- scanning ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Span:
    first: int  # token index
    last: int  # token index (inclusive)
    start: int
    end: int
    lookup: str  # text to look up in the gazetteer
    how: str  # exact | genitive | folded
    province: bool = False
    dateline: bool = False


def _gap_ok(text: str, a: Token, b: Token) -> bool:
    gap = text[a.end : b.start]
    if gap == " " or gap == "-":
        return True
    if not gap or len(gap) > 3 or not _GAP_OK.fullmatch(gap):
        return False
    return not (gap.startswith(".") and len(a.text) > 3)  # "St. Petersburg", not "Kabul. Herat"


def _longest(text: str, toks: list[Token], i: int, index: NameIndex, language: str | None) -> _Span | None:
    """Longest gazetteer name starting at token i (exact key, German genitive, then folded key)."""
    t = toks[i]
    n = len(toks)
    maxlen = index.first_len.get(t.key, 0)
    # Only as many following tokens as the longest name starting here (or a short folded/genitive try).
    want = maxlen if maxlen else FOLD_MAX_TOKENS
    limit = 1
    while limit < want and i + limit < n and _gap_ok(text, toks[i + limit - 1], toks[i + limit]):
        limit += 1
    keys = [t.key]
    for k in range(1, limit):
        keys.append(keys[-1] + " " + toks[i + k].key)
    for length in range(min(maxlen, limit), 0, -1):
        last = toks[i + length - 1]
        if length > 1 and not (last.cap or last.text[0].isdigit()):
            continue
        if keys[length - 1] in index.keys:
            return _Span(i, i + length - 1, t.start, last.end, text[t.start : last.end], "exact")
    if language != "en":
        # German genitive/inflection: Afghanistans, Mossuls, Iraks, Syriens (mention keeps the "s").
        for length in range(min(limit, MAX_NAME_TOKENS), 0, -1):
            last = toks[i + length - 1]
            if not last.cap or len(last.key) < 5 or last.key[-1] != "s":
                continue
            stem = keys[length - 1][:-1]
            if stem in index.keys:
                return _Span(i, i + length - 1, t.start, last.end, text[t.start : last.end - 1], "genitive")
        # Declined adjectives of multi-word names: "in den Vereinigten Staaten", "der Zentralafrikanischen
        # Republik", "den Vereinigten Arabischen Emiraten" (looked up in the nominative).
        v0 = _deinflect(t.key)
        if v0 != t.key and v0 in index.first_len:
            for length in range(min(limit, index.first_len[v0]), 1, -1):
                last = toks[i + length - 1]
                if not last.cap:
                    continue
                rest = [toks[i + k].key for k in range(1, length)]
                for variant in _variants(v0, rest):
                    if variant in index.keys:
                        return _Span(i, i + length - 1, t.start, last.end, variant, "inflected")
    for length in range(min(limit, FOLD_MAX_TOKENS), 0, -1):
        last = toks[i + length - 1]
        if length > 1 and not last.cap:
            continue
        surface = text[t.start : last.end]
        if len(surface) >= 4 and fold(surface) in index.folded:
            return _Span(i, i + length - 1, t.start, last.end, surface, "folded")
    return None


def _deinflect(key: str) -> str:
    """German adjective ending -en/-er/-es/-em back to the nominative -e ("vereinigten" -> "vereinigte")."""
    if len(key) > 4 and key[-2:] in ("en", "er", "es", "em"):
        return key[:-2] + "e"
    return key


def _variants(first: str, rest: list[str]) -> list[str]:
    """Keys with each following word as written or de-inflected (at most 2**3 combinations)."""
    out = [first]
    for k in rest[:3]:
        d = _deinflect(k)
        out = [f"{o} {k}" for o in out] + ([f"{o} {d}" for o in out] if d != k else [])
    return out


def _datelines(text: str) -> list[tuple[int, int]]:
    head = text[:DATELINE_WINDOW]
    out = []
    for rx in (rules.DATELINE_RE, rules.DATELINE_CAPS_RE):
        m = rx.search(head)
        if m:
            out.append((m.start("place"), m.end("place")))
    return out


@lru_cache(maxsize=1)
def _actor_phrase_automaton() -> ahocorasick.Automaton:
    """Every multi-word actor phrase in one Aho-Corasick automaton: one C-speed pass over the article
    instead of a substring test per phrase."""
    automaton = ahocorasick.Automaton()
    for phrase in rules.ACTOR_PHRASES:
        automaton.add_word(phrase, len(phrase))
    automaton.make_automaton()
    return automaton


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _actor_spans(text: str, toks: list[Token]) -> list[tuple[int, int]]:
    """Spans of actor names and phrases (whole words, case as written): never place mentions."""
    names = rules.ACTOR_NAMES
    spans = [(t.start, t.end) for t in toks if t.text in names]
    n = len(text)
    for last, length in _actor_phrase_automaton().iter(text):
        start, end = last + 1 - length, last + 1
        if (start == 0 or not _is_word_char(text[start - 1])) and (end == n or not _is_word_char(text[end])):
            spans.append((start, end))
    spans.sort()
    return spans


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    k = bisect.bisect_left(spans, (end, -1))
    for s, e in spans[max(0, k - 8) : k]:
        if s < end and start < e:
            return True
    return False


def _person_tokens(text: str, toks: list[Token], index: NameIndex) -> tuple[set[int], set[str]]:
    """Token indices that belong to person names, and the name keys (surnames, given names) seen.

    Cues: a title right before the name, or a known given name followed by another capitalised word.
    The person's name runs over capitalised words and particles (al-, bin, von) up to punctuation.
    """
    given = rules.first_names()
    person: set[int] = set()
    names: set[str] = set()
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        if not t.cap or t.upper or t.text in rules.GEO_MODIFIERS or t.text in rules.ACTOR_NAMES:
            i += 1
            continue
        prev = toks[i - 1] if i else None
        titled = prev is not None and rules.is_title(prev.text) and _gap_ok(text, prev, t)
        nxt = toks[i + 1] if i + 1 < n else None
        # A given name that is also a common word opening a sentence ("Will", "Mark") is no cue.
        given_cue = t.text in given and not (t.initial and rules.commonness(t.text, None) >= 4.5)
        # "Qasim Al Araji", "Haider al-Abadi": word, name particle, capitalised word, not a place name.
        particle_cue = (
            nxt is not None
            and nxt.key in ("al", "el", "bin", "ibn", "abu", "bint")
            and i + 2 < n
            and toks[i + 2].cap
            and _gap_ok(text, t, nxt)
            and _gap_ok(text, nxt, toks[i + 2])
            and f"{t.key} {nxt.key} {toks[i + 2].key}" not in index.keys
            and f"{nxt.key} {toks[i + 2].key}" not in index.keys
        )
        # "Mike de Kock", "Gino D. Bassett": a given name, then a particle or a middle initial, then a name.
        third_cap = i + 2 < n and toks[i + 2].cap and not toks[i + 2].upper
        given_joined = (
            given_cue
            and nxt is not None
            and third_cap
            and (
                (nxt.text in rules.NAME_PARTICLES and text[t.end : nxt.start] == " ")
                or (len(nxt.text) == 1 and nxt.text.isupper() and text[nxt.end : nxt.end + 2] == ". ")
            )
        )
        if (
            not titled
            and not particle_cue
            and not given_joined
            and not (
                given_cue
                and nxt is not None
                and nxt.cap
                and not nxt.upper
                and nxt.text not in rules.GEO_MODIFIERS
                and nxt.text not in rules.PROVINCE_SUFFIXES
                and nxt.text not in rules.CITY_HINTS
                and _gap_ok(text, t, nxt)
                and text[t.end : nxt.start].strip() in ("", "-")
                and not (t.key in index.keys and rules.commonness(nxt.text, None) >= 4.5)
            )
        ):
            i += 1
            continue
        j = i
        while j + 1 < n:
            a, b = toks[j], toks[j + 1]
            gap = text[a.end : b.start]
            if gap == ". " and len(a.text) == 1 and a.cap:  # after a middle initial
                gap = " "
            if len(b.text) == 1 and b.text.isupper() and text[b.end : b.end + 1] == "." and gap == " ":
                j += 1  # a middle initial ("Gino D. Bassett")
                continue
            if gap not in (" ", "-", " -", "- ") or b.upper:
                break
            if b.cap and b.text not in rules.GEO_MODIFIERS and b.text not in rules.PROVINCE_SUFFIXES:
                # After given name and surname, a further gazetteer name is where, not who
                # ("Mike Pompeo Afghanistan einen Besuch abgestattet").
                if j > i and b.key in index.keys:
                    break
                j += 1
                continue
            if b.text.lower() in rules.NAME_PARTICLES and j + 2 < n and toks[j + 2].cap:
                j += 2
                continue
            break
        if j == i and not titled:
            i += 1
            continue
        for k in range(i, j + 1):
            person.add(k)
            if toks[k].cap and len(toks[k].key) > 2:
                names.add(toks[k].key)
        i = j + 1
    return person, names


def _tolerance(candidates: list[Candidate]) -> float:
    """How common a word a place's name may be before the word reading wins (a Zipf frequency).

    A country is meant even when its name is frequent ("China", "Deutschland"), a capital nearly so
    ("Berlin"); a province or a city of 100,000 only while the word is not very common ("Region",
    "Dort", the genitive "Landes" are words).
    """
    best = 0.0
    for c in candidates:
        p = c.place
        if p.feature_code.startswith("PCL"):
            tol = 6.5
        elif p.feature_code == "PPLC" or p.population >= 1_000_000:
            tol = 6.0
        elif p.feature_code in ("ADM1", "PPLA") or p.population >= 100_000:
            tol = 5.0
        else:
            tol = 0.0
        best = max(best, tol)
    return best


@lru_cache(maxsize=50_000)
def _lookup_cached(name: str) -> tuple[Candidate, ...]:
    """Gazetteer candidates for a name, memoised for the process: news repeats its place names, and
    the gazetteer is read-only. Tuples (and never-mutated Candidates) keep the shared result safe."""
    from geo.gazetteer.lookup import get_gazetteer

    return tuple(
        Candidate(m.place, float(m.score)) for m in get_gazetteer().lookup(name, fuzzy=False, limit=10)
    )


@lru_cache(maxsize=50_000)
def _tolerance_cached(name: str) -> float:
    """`_tolerance` of a name's candidates, memoised with them: the same name is judged many times."""
    return _tolerance(list(_lookup_cached(name)))


class _Lookup:
    """Gazetteer access for one article (candidate lists are fresh lists over the memoised results)."""

    def __init__(self) -> None:
        from geo.gazetteer.lookup import get_gazetteer

        self.gaz = get_gazetteer()

    def __call__(self, name: str) -> list[Candidate]:
        return list(_lookup_cached(name))


def find_mentions(article: Article) -> list[Mention]:
    """Place-name mentions in `article.text` with gazetteer candidates (not yet resolved)."""
    text = article.text
    language = (article.language or "").lower()[:2] or None
    index = name_index()
    toks = tokenize(text)
    if not toks:
        return []
    lookup = _Lookup()
    actors = _actor_spans(text, toks)
    datelines = _datelines(text)
    person, person_names = _person_tokens(text, toks, index)
    mentions = _abbreviations(text, toks, lookup)
    taken = [(m.start, m.end) for m in mentions]
    n = len(toks)
    first_len = index.first_len
    inflected = language != "en"
    i = 0
    while i < n:
        t = toks[i]
        # lower-case words start no name (an all-caps token is capitalised too): skipped first
        if not t.cap or (taken and _overlaps(taken, t.start, t.end)) or i in person:
            i += 1
            continue
        if t.key not in first_len and not _maybe_other(t.text, inflected):
            i += 1
            continue
        span = _longest(text, toks, i, index, language)
        if span is None:
            i += 1
            continue
        span.dateline = bool(datelines) and any(s <= span.start and span.end <= e for s, e in datelines)
        cands = _accept(text, toks, span, index, language, actors, person, person_names, lookup)
        if cands is None:
            i += 1
            continue
        if span.last + 1 < n and text[toks[span.last].end : toks[span.last + 1].start] == " ":
            nxt = toks[span.last + 1]
            if nxt.text in rules.NOT_PLACE_AFTER:  # "Washington Post", "Herat University"
                i = span.last + 2
                continue
            if nxt.key == "state":
                # "Borno State" is a Nigerian state; "Kansas State" is a university.
                if not (cands[0].place.feature_code == "ADM1" and cands[0].place.country_code != "US"):
                    i = span.last + 2
                    continue
                span.end, span.last = nxt.end, span.last + 1
            elif nxt.text in rules.ADMIN_SUFFIXES:  # "Badghis province", "Kanawha County"
                span.end, span.last = nxt.end, span.last + 1
        mentions.append(
            Mention(
                start=span.start,
                end=span.end,
                text=text[span.start : span.end],
                candidates=cands,
                role="dateline" if span.dateline else "place",
            )
        )
        i = span.last + 1
    mentions.sort(key=lambda m: m.start)
    return mentions


_DOTTED_RE = re.compile(r"(?<![\w.])(?:U\.S\.A\.|U\.S\.|U\.K\.|U\.A\.E\.)")


def _abbreviations(text: str, toks: list[Token], lookup: _Lookup) -> list[Mention]:
    """Country abbreviations: "U.S.", "US", "UK", "UAE" (not inside an all-caps headline)."""
    # a C-speed substring test first: the look-behind regex over a whole article is slow
    found: list[tuple[int, int, str]] = (
        [(m.start(), m.end(), m.group(0)) for m in _DOTTED_RE.finditer(text)] if "U." in text else []
    )
    for k, t in enumerate(toks):
        if t.text in rules.COUNTRY_ABBREVIATIONS and t.upper:
            neighbours = [toks[j] for j in (k - 1, k + 1) if 0 <= j < len(toks)]
            if any(x.upper and len(x.text) > 3 for x in neighbours):
                continue  # "HELP US NOW": a shouted pronoun, not the country
            if text[t.end : t.end + 1] == "." and text[t.start - 1 : t.start] == ".":
                continue
            found.append((t.start, t.end, t.text))
    out = []
    for start, end, surface in sorted(found):
        place = lookup.gaz.country(rules.COUNTRY_ABBREVIATIONS[surface])
        if place is not None:
            out.append(Mention(start=start, end=end, text=surface, candidates=[Candidate(place, 1.0)]))
    return out


def _unknown_name_before(text: str, prev: Token, tok: Token, index: NameIndex) -> bool:
    """True when `prev` looks like a given name we do not know: capitalised, right before `tok`, not a
    place name, not an ordinary word, not a title, modifier or actor."""
    return (
        prev.cap
        and not prev.upper
        and len(prev.text) > 2
        and text[prev.end : tok.start] == " "
        and prev.key not in index.keys
        and prev.text not in rules.GEO_MODIFIERS
        and prev.text not in rules.ACTOR_NAMES
        and not rules.is_title(prev.text)
        and rules.commonness(prev.text, None) < 3.0
    )


@lru_cache(maxsize=100_000)
def _maybe_other(word: str, inflected: bool) -> bool:
    """Whether a word that starts no gazetteer name may still start a genitive or folded match.

    Memoised per word: capitalised words recur across articles, and the scan index is read-only.
    """
    index = name_index()
    key = simple_key(word)
    if inflected:
        if key.endswith("s") and key[:-1] in index.first_len:
            return True
        d = _deinflect(key)
        if d != key and d in index.first_len:
            return True
    return len(key) >= 4 and fold(word) in index.folded


def _accept(
    text: str,
    toks: list[Token],
    span: _Span,
    index: NameIndex,
    language: str | None,
    actors: list[tuple[int, int]],
    person: set[int],
    person_names: set[str],
    lookup: _Lookup,
) -> list[Candidate] | None:
    """Candidates for an accepted span, or None when a rule says it is not a place mention."""
    first, last = toks[span.first], toks[span.last]
    single = span.first == span.last
    if actors and _overlaps(actors, span.start, span.end):
        return None
    if (span.first in person) if single else any(k in person for k in range(span.first, span.last + 1)):
        return None
    if single and (first.key in person_names or (span.how == "genitive" and first.key[:-1] in person_names)):
        return None
    # All-caps words are acronyms (IS, EU, ISIS-ANGRIFFE) unless the gazetteer writes them so or a
    # dateline does ("KABUL, Aug 13 (Reuters)").
    if (first.upper if single else any(toks[k].upper for k in range(span.first, span.last + 1))) and not (
        span.dateline
    ):
        if not (single and first.text in index.caps):
            return None
    if single and len(first.key) < 3 and first.text not in index.caps:
        return None
    if single and first.text in rules.GEO_MODIFIERS:  # "Norden", "Osten", "Central": directions
        return None
    if text[last.end : last.end + 1] in _BROKEN_WORD or text[last.end : last.end + 2] == "-\n":
        return None  # a word broken at a line end ("Neuen¬\nburg", "Anf-\nang"): only a fragment
    if len(first.key) == 1 and not single:  # "E-Mail", "U-Boot", "A-Klasse"
        return None
    looked = span.lookup
    cands = lookup(looked)
    if not cands and span.how != "exact":
        looked = text[span.start : span.end]
        cands = lookup(looked)
    if not cands:
        return None
    # A spelling found only by transliteration folding must fold like the place's own name
    # ("Dschalalabad" ~ Jalalabad), not merely like one of its many alternate names ("Syrian").
    if span.how == "folded" and fold(span.lookup) != fold(cands[0].place.name):
        return None
    if span.dateline:
        return cands
    # Next to a verb of saying, a minor place's name is a speaker ("Kirby said", "sagte Maas").
    prev = toks[span.first - 1] if span.first else None
    nxt = toks[span.last + 1] if span.last + 1 < len(toks) else None
    near_verb = (
        prev is not None and prev.text in rules.REPORTING_VERBS and text[prev.end : first.start] == " "
    ) or (nxt is not None and nxt.text in rules.REPORTING_VERBS and text[last.end : nxt.start] == " ")
    if single and prev is not None and not prev.initial and _unknown_name_before(text, prev, first, index):
        # "Roseanne Barr", "Dewly Nelson": an unknown capitalised word right before a minor place's
        # name makes a person; the surname is then remembered for the rest of the article.
        if not _tolerance_cached(looked):
            person_names.add(first.key)
            return None
    if single:
        german = language == "de" or language is None
        z = rules.commonness(first.text, language)
        if german and first.key.endswith("s") and len(first.key) > 4:  # Friedens -> Frieden, Landes -> Land
            z = max(z, rules.commonness(first.text[:-1], language))
        if z >= 6.0:  # function words: The, Die, Nach, And
            return None
        threshold = 3.5 if first.initial else (4.0 if german else 4.5)
        tolerance = _tolerance_cached(looked)
        if not first.initial and not german:
            tolerance = max(tolerance, 5.0) if tolerance else 0.0  # mid-sentence capital: a name
        if z >= threshold and z >= tolerance:
            return None
        if near_verb and not tolerance:
            return None
        if span.how == "folded" and (not tolerance or len(first.key) < 5):
            return None  # a transliteration-only match of a minor place is too weak alone
    elif first.initial and all(
        rules.commonness(toks[k].text, language) >= 4.5 for k in range(span.first, span.last + 1)
    ):
        if not _tolerance_cached(looked):  # not a country, province, capital, seat or city of 100,000+
            return None  # "Long Beach"-shaped phrases of ordinary words at a sentence start
    return cands
