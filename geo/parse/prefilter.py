"""One regex prefilter engine: a big alternation tried only where one of its rules can begin.

Why: Python's `re` tries every alternative at every word start; the actor table (~150 alternatives), the
event triggers and the relative-date patterns would cost about 1 ms per KB of text that way. Every rule
here declares the literal prefixes its matches start with (lower-case, as written in the language data:
"capt", "seit", a digit): an Aho-Corasick automaton (pyahocorasick, C speed) or one zero-width regex finds
the word starts where some prefix occurs, and only the rules that can start with the first `KEY`
characters there are tried, in their original order. The result is the same as one plain
`(?<!B)(?:(?P<r1>...)|(?P<r2>...))(?!\\w)` regex (leftmost match, first rule wins, B the boundary);
`tests/parse/test_prefilter.py` checks exactly that.

Prefixes are declared, not derived from `re`'s private parse tree: `literal_head` reads the plain letters
a simple pattern opens with, and anything cleverer (an alternation, a look-behind, a character class at
the start) must list its prefixes in the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from geo.gazetteer.normalize import lower_like_re

__all__ = ["DIGIT", "KEY", "Prefilter", "Rule", "literal_head", "trie_regex"]

KEY = 4  # prefix length: 4 keeps frequent short words ("und", "the") out of the candidate starts
DIGIT = r"\d"  # a declared prefix: the rule can start with any decimal digit
_META = set("\\.^$*+?{}[]|()")


@dataclass(frozen=True, slots=True)
class Rule:
    """One alternative: a group name, its regex, and the lower-case literal prefixes a match starts with.

    A prefix shorter than `KEY` means anything may follow it; `DIGIT` means any decimal digit.
    """

    name: str
    pattern: str
    prefixes: tuple[str, ...]


def literal_head(pattern: str) -> str:
    """The lower-case letters every match of a simple `pattern` starts with ("Houthis?" -> "houthi").

    Raises ValueError when the pattern gives none (it opens with a group, a class or a look-around, or has
    a top-level alternation): such a rule must declare its prefixes.
    """
    depth, i, in_class = 0, 0, False
    while i < len(pattern):  # a top-level "|" makes the head of the first branch meaningless
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            raise ValueError(f"declare the prefixes of {pattern!r}: it has a top-level alternation")
        i += 1
    head = ""
    for ch in pattern:
        if ch in _META:
            if ch in "?*{" and head:
                head = head[:-1]  # the last letter is optional
            break
        head += ch
    if not head:
        raise ValueError(f"declare the prefixes of {pattern!r}: it starts with no literal letter")
    return lower_like_re(head)


def trie_regex(words: Iterable[str]) -> str:
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


def _fold(text: str) -> str:
    """Lower-case as `re.IGNORECASE` compares letters with our prefixes (long s as s, dotless i as i)."""
    low = lower_like_re(text)
    return low.replace("ı", "i") if "ı" in low else low


class Prefilter:
    """A big `(?:rule1|rule2|...)(?!\\w)` regex tried only at word starts where some rule can begin.

    `hyphen_joins`: a hyphen before a position makes it no word start (actors and triggers: "IS-Kämpfer"
    is one word, "pro-IS" holds no "IS"); dates only look at `\\w`.
    """

    def __init__(
        self, rules: Sequence[Rule], flags: int = re.IGNORECASE, *, hyphen_joins: bool = True
    ) -> None:
        self.rules = tuple(rules)
        self._flags = flags
        self._boundary = r"[\w-]" if hyphen_joins else r"\w"
        self._joiners = "_-" if hyphen_joins else "_"
        self._prefixes = [tuple(p[:KEY].lower() if p != DIGIT else p for p in r.prefixes) for r in self.rules]
        if any(not pre for pre in self._prefixes):
            raise ValueError("every rule declares at least one prefix")
        self._anywhere = any("" in pre for pre in self._prefixes)
        self._digits = any(DIGIT in pre for pre in self._prefixes)
        words = sorted({x for pre in self._prefixes for x in pre if x != DIGIT}, key=len, reverse=True)
        lead = ([r"\d"] if self._digits else []) + ([trie_regex(words)] if words else [])
        self._starts = re.compile(
            rf"(?<!{self._boundary})\w"
            if self._anywhere
            else rf"(?<!{self._boundary})(?=" + "|".join(lead) + ")",
            re.IGNORECASE,
        )
        self._by_key: dict[str, re.Pattern[str] | None] = {}
        self._by_rules: dict[tuple[int, ...], re.Pattern[str] | None] = {}
        self._automaton: Any = None
        if not self._anywhere and not self._digits and words:
            import ahocorasick  # noqa: PLC0415 - C extension, loaded with the first table

            automaton = ahocorasick.Automaton()
            for x in words:
                automaton.add_word(x, len(x))
            automaton.make_automaton()
            self._automaton = automaton

    @property
    def pattern(self) -> str:
        """The plain regex this prefilter stands for (what `finditer` matches, only faster)."""
        return rf"(?<!{self._boundary})(?:" + self._join(range(len(self.rules))) + r")(?![\w])"

    def _join(self, indices: Iterable[int]) -> str:
        return "|".join(f"(?P<{self.rules[i].name}>{self.rules[i].pattern})" for i in indices)

    def _compiled(self, indices: tuple[int, ...]) -> re.Pattern[str] | None:
        got = self._by_rules.get(indices, False)
        if got is False:
            got = self._by_rules[indices] = (
                re.compile("(?:" + self._join(indices) + r")(?![\w])", self._flags) if indices else None
            )
        return got  # type: ignore[return-value]

    def _for_key(self, key: str) -> re.Pattern[str] | None:
        """The rules (same order) whose matches can start with `key`, the first KEY characters at a word
        start; every rule for a non-ASCII key, whose case folding `str.lower` may not mirror."""
        if key.isascii():
            low = key.lower()
            digit = low[:1].isdigit()
            indices = tuple(
                i
                for i, pre in enumerate(self._prefixes)
                if any(low.startswith(x) if x != DIGIT else digit for x in pre)
            )
        else:
            indices = tuple(range(len(self.rules)))
        pat = self._compiled(indices)
        if len(self._by_key) < 20_000:  # keys are a word's first letters: bounded, but keep it so
            self._by_key[key] = pat
        return pat

    def name(self, m: re.Match[str]) -> str:
        """The name of the rule that matched."""
        return m.lastgroup or ""

    def _candidates(self, text: str, start: int, end: int) -> Iterable[int]:
        """Word starts in text[start:end] where some rule's prefix occurs, in order."""
        if self._automaton is not None:
            low = _fold(text[start:end])
            if len(low) == end - start:  # lower() kept the offsets (it may not for e.g. "İ")
                hits: set[int] = set()
                joiners = self._joiners
                for e_idx, n in self._automaton.iter(low):
                    pos = start + e_idx - n + 1
                    if pos == 0 or not (text[pos - 1].isalnum() or text[pos - 1] in joiners):
                        hits.add(pos)
                return sorted(hits)
        return (w.start() for w in self._starts.finditer(text, start, end))

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
        """Matches in text[start:end], as the plain regex's `finditer` would give them."""
        end = len(text) if end is None else end
        by_key, for_key = self._by_key, self._for_key
        last = start
        for pos in self._candidates(text, start, end):
            if pos < last:
                continue
            key = text[pos : pos + KEY]
            pat = by_key[key] if key in by_key else for_key(key)
            if pat is not None:
                m = pat.match(text, pos, end)
                if m:
                    last = m.end()
                    yield m
