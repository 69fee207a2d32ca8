"""Name folding for place-name matching.

News spells the same place many ways: "Mazar-i-Sharif", "Masar-i-Scharif", "Mazār-e Šarīf";
"Ghazni" / "Gasni"; "Jalalabad" / "Dschalalabad"; "Qala-i-Naw" / "Kala-e Nau". Two keys are used:

* `simple_key(name)` folds only case, diacritics, apostrophes and punctuation/spacing, so that
  "Mazār-e Šarīf" and "mazar e sharif" meet. A match on this key is almost as good as exact.
* `fold(name)` additionally drops connectors (al-, el-, -e-, -i-, -ye-, ...) and collapses the
  transliteration families that English, German and French newsrooms use for Arabic, Persian,
  Pashto, Russian... (gh/g, kh/ch, z/s, j/dsch, sh/sch, q/k, ou/u, ee/i, w/v, y/i, doubled letters).
  It is deliberately lossy: it is used to *find* candidates, and a fold-only match is scored lower
  than an exact one by the gazetteer.

Both functions are pure, cheap and deterministic, because the gazetteer build applies them to about a
million names and the runtime applies them to every query.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from functools import lru_cache

__all__ = ["fold", "key_hash", "lower_like_re", "simple_key", "strip_diacritics", "tokens", "APOSTROPHES"]

# Every apostrophe-like mark seen in transliterated names: ' ‘ ’ ` ´ ʼ ʻ ʿ ʾ ′ and the Hebrew geresh.
APOSTROPHES = "'\u2018\u2019`\u00b4\u02bc\u02bb\u02bf\u02be\u2032\u05f3\u02b9\u02c8"
_APOS_RE = re.compile(f"[{re.escape(APOSTROPHES)}]")

# Letters that NFKD does not decompose into a base letter plus combining marks.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        "ħ": "h",
        "Ħ": "h",
        "ŋ": "ng",
        "ə": "e",
        "Ə": "e",
        "ʃ": "sh",
    }
)

# Anything that is not a letter or digit separates tokens (hyphens, spaces, dots, slashes...).
# Used by `fold` only: English/German news writes Latin hacek letters as digraphs (Šarīf -> Sharif).
_HACEK = str.maketrans({"š": "sh", "Š": "Sh", "č": "ch", "Č": "Ch", "ž": "zh", "Ž": "Zh"})

_SEP_RE = re.compile(r"[^\w]+|_", re.UNICODE)

# Connectors dropped by `fold`: Persian/Pashto ezafe (-e-, -i-, -ye-) and the Arabic article in its
# common spellings. Sun-letter assimilations (ad-, an-, ar-, as-, ash-, at-, az-) are dropped only when
# written with a hyphen ("ar-Raqqa"), because as free words they are ordinary tokens.
_CONNECTORS = frozenset({"al", "el", "ul", "ol", "e", "i", "ye", "yi", "y", "de"})
_SUN_ARTICLES = frozenset({"ad", "an", "ar", "as", "ash", "at", "az", "ath", "adh", "ud", "ur", "us"})
_SUN_RE = re.compile(r"^(ad|an|ar|as|ash|at|az|ath|adh|ud|ur|us)[-\u2010\u2011]", re.IGNORECASE)

# Transliteration families, applied in order to the joined lower-case ASCII key. Longer patterns first
# so "dsch" is consumed before "sch" and "sch" before "ch".
_TRANSLIT: tuple[tuple[str, str], ...] = (
    ("dsch", "j"),
    ("tsch", "ch"),
    ("dzh", "j"),
    ("dj", "j"),
    ("sch", "sh"),
    ("zh", "j"),
    ("kh", "ch"),
    ("gh", "g"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("aw", "au"),
    ("w", "v"),
    ("y", "i"),
    ("z", "s"),
    ("x", "ks"),
)
_DOUBLE_RE = re.compile(r"(.)\1+")


def lower_like_re(text: str) -> str:
    """`text` lower-cased the way `re.IGNORECASE` compares it, for tables and prefilters that stand in
    for a case-insensitive regex.

    `str.lower` leaves the long s ("ſ", Fraktur-era German: "Dienſtag", "ſtürmten") alone, but Unicode
    case folding lets it match "s"; without this a regex match would have no table entry, or a prefilter
    would skip a place where the regex matches. Same length as `str.lower`'s result, so offsets hold.
    """
    low = text.lower()
    return low.replace("ſ", "s") if "ſ" in low else low


def strip_diacritics(text: str) -> str:
    """Remove combining marks after NFKD decomposition ("Mazār-e Šarīf" -> "Mazar-e Sharif" minus marks)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# ASCII fast path: apostrophes vanish, every other non-alphanumeric character separates tokens.
_ASCII_TABLE: dict[int, str | int | None] = {c: " " for c in range(128) if not chr(c).isalnum()}
_ASCII_TABLE.update({ord("'"): None, ord("`"): None})
_ASCII_TABLE.update({c: c + 32 for c in range(ord("A"), ord("Z") + 1)})


@lru_cache(maxsize=65536)
def simple_key(name: str) -> str:
    """Case, diacritic, apostrophe and punctuation folding; tokens joined by single spaces.

    "Mazār-e  Šarīf" -> "mazar e sharif"; "Kandahār" -> "kandahar"; "N'Djamena" -> "ndjamena".
    """
    if name.isascii():
        if name.isalnum():
            return name.lower()
        return " ".join(name.translate(_ASCII_TABLE).split())
    return _simple_key_unicode(name)


def _simple_key_unicode(name: str) -> str:
    # apostrophes go first: NFKD turns the acute accent used as one (´) into a space + combining mark
    text = strip_diacritics(_APOS_RE.sub("", name)).casefold()
    return " ".join(t for t in _SEP_RE.split(text) if t)


def tokens(name: str) -> list[str]:
    """The `simple_key` tokens of a name."""
    key = simple_key(name)
    return key.split(" ") if key else []


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """Aggressive matching key: connectors dropped, spaces removed, transliteration families merged.

    "Mazar-i-Sharif", "Masar-i-Scharif" and "Mazar-e Sharif" all give "masarsharif";
    "Ghazni" and "Gasni" give "gasni"; "Dschalalabad" and "Jalalabad" give "jalalabad".
    Returns "" for names without letters or digits.
    """
    stripped = name.strip()
    if any(h in stripped[:5] for h in "-\u2010\u2011"):
        stripped = _SUN_RE.sub("", stripped)
    if not stripped.isascii():
        stripped = stripped.translate(_HACEK)
    toks = tokens(stripped)
    if len(toks) > 1:
        kept = [t for t in toks if t not in _CONNECTORS]
        toks = kept or toks
    key = "".join(toks)
    if not key.isascii():
        # Non-Latin scripts keep their letters; only the Latin part of the rules applies.
        return _DOUBLE_RE.sub(r"\1", key)
    for src, dst in _TRANSLIT:
        if src in key:
            key = key.replace(src, dst)
    return _DOUBLE_RE.sub(r"\1", key)


def key_hash(key: str) -> int:
    """Stable 64-bit hash of a name key (not Python's salted `hash`): CRC-32 and Adler-32 side by side.

    The gazetteer artifact stores its name keys sorted by this value and the runtime finds a key by
    binary search on it, then compares the key itself, so a collision can cost time but never a
    wrong answer. Both checksums run in C (zlib), which matters at 50,000 lookups per second.
    """
    b = key.encode("utf-8")
    return (zlib.crc32(b) << 32) | zlib.adler32(b)
