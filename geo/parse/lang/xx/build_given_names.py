"""Rebuild `given_names.txt` from Faker's name lists (a maintenance script, never imported by conflictmap).

Run it from the repository root in an environment that has `faker` and `wordfreq` installed:

    python geo/parse/lang/xx/build_given_names.py > geo/parse/lang/xx/given_names.txt

Why the filter: the list is a person cue ("Mike Pompeo", "Ismail Chan"), and a cue that fires on a place
or an ordinary word hides real places. One locale's list is weak evidence that a word is a given name
(Iceland lists "Berg" and "Villa", Belgium "El", Turkey "Nazi", Kenya "Peace"), so a name that is also an
ordinary English or German word is kept only when several locales list it ("Mark", "Rose", "Victoria").
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import unicodedata
from collections import Counter

# A name that is an ordinary word this common (wordfreq Zipf, max of English and German) ...
WORD_ZIPF = 3.5
# ... is a given-name cue only when at least this many Faker locales list it.
MIN_LOCALES_FOR_WORDS = 3


def _latin(name: str) -> bool:
    """One capitalised word in Latin letters (tokens are single words; other scripts never match)."""
    return name[:1].isupper() and all(
        unicodedata.name(ch, "").startswith("LATIN") or ch in "-'" for ch in name
    )


def locale_counts() -> Counter[str]:
    """How many Faker locales list each Latin-script given name (any `first_names*` attribute)."""
    import faker.providers.person as person

    counts: Counter[str] = Counter()
    for info in pkgutil.iter_modules(person.__path__):
        if not info.ispkg:
            continue
        provider = getattr(importlib.import_module(f"{person.__name__}.{info.name}"), "Provider", None)
        names: set[str] = set()
        for attr in dir(provider):
            if attr.startswith("first_names"):
                value = getattr(provider, attr)
                if isinstance(value, (list, tuple, dict)):
                    names.update(n for n in value if isinstance(n, str) and _latin(n))
        counts.update(names)
    return counts


def main() -> int:
    from wordfreq import zipf_frequency

    kept = []
    for name, n in locale_counts().items():
        word = max(zipf_frequency(name.lower(), "en"), zipf_frequency(name.lower(), "de"))
        if word >= WORD_ZIPF and n < MIN_LOCALES_FOR_WORDS:
            continue
        kept.append(name)
    sys.stdout.write("".join(f"{name}\n" for name in sorted(kept)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
