"""The bundled world gazetteer at run time: names -> places, points -> places.

Loads the artifact written by `geo.gazetteer.build` (columnar numpy arrays, sorted name-key tables and
WKB polygons in `data/gazetteer/build/`) with a few bulk reads, so a cold start costs well under the
1.5 s budget, and answers:

* `lookup(name)` - ranked candidates for a name as news writes it (exact, curated alias, folded
  spelling, bounded fuzzy fallback), each with a score in [0, 1] that already discounts names that are
  ordinary English/German words ("Price", "Die") unless the place is prominent enough to be meant;
* `nearest`, `admin1_at`, `country_at` - reverse look-ups (k-d tree on the unit sphere, STRtree);
* `province_of`, `seat_of`, `country`, `get` - navigation between places;
* `provinces()`, `countries()` - simplified polygons as GeoDataFrames for maps.

Ranking: every candidate gets `tier + 0.1 * prominence` where the tier is exact (1.0) > alias (0.95) >
folded (0.9 for case/diacritics/punctuation, 0.8 for transliteration folding) > fuzzy (< 0.65), and
prominence is log10(population) plus a bonus from the GeoNames feature code (capital +3, province seat
+1, district seat +0.5...), 5.2 for every province, 8.5 for continents (GeoNames CONT) and
regions (RGN: "Middle East"), >= 9 for countries. A canonical name beats an
alternate by 0.05. So a same-tier tie goes to the more important place ("Islamabad": Pakistan's
capital, not Chattogram, whose alternate name it is), and a much more important place can overtake a
one-step-better tier.

Scores: exact 1.0, alias 0.97, folded 0.94 / 0.86, fuzzy 0.45-0.9 by rapidfuzz ratio, times a
credibility factor < 1 when the query is a common English/German word (wordfreq Zipf >= 3) and the place
is not prominent enough for that word to mean it. `geo.gazetteer.geocoder.ACCEPT_SCORE` is the
geoparser's bar.

Offline-first data layout: every array is a memory-mapped .npy file; strings live in UTF-8 blobs decoded
on demand; name keys are found through an open-addressing hash table stored in the artifact, so a cold
load builds almost nothing.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_left
from dataclasses import fields
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple
from zlib import adler32, crc32

import numpy as np

from geo.errors import DataMissingError
from geo.gazetteer.normalize import fold, simple_key
from geo.model import Place
from geo.paths import gazetteer_dir

if TYPE_CHECKING:  # geopandas is imported lazily: most callers never need polygons
    import geopandas

__all__ = [
    "ATTRIBUTION",
    "ATTRIBUTION_HTML",
    "FORMAT_VERSION",
    "FUZZY_MIN_RATIO",
    "Gazetteer",
    "GazetteerNotBuilt",
    "Match",
    "get_gazetteer",
]

#: Layout version of the built artefact; the builder writes it into the manifest and the loader refuses
#: any other, with the command that rebuilds it.
FORMAT_VERSION = 6
REBUILD_HINT = "run `conflictmap gazetteer build` (or `make gazetteer` in a checkout)"


# Names that exercise every folding rule (case, diacritics, apostrophes, connectors, sun letters, hacek and
# transliteration families, long s, other scripts). Their folded keys are the artefact's fingerprint.
_FOLDING_PROBES = (
    "Mazār-e Sharīf", "Masar-i-Scharif", "Mazar-i-Sharif", "Qala-i-Naw", "Kala-e Nau", "Qal'eh-ye Now",
    "Gasni", "Ghazni", "Mossul", "Mosul", "Al-Anbar", "ar-Raqqah", "Ar Raqqa", "Deir ez-Zor", "Dayr az Zawr",
    "Dschalalabad", "Jalalabad", "Khost", "Chost", "Kunduz", "Kundus", "Scheberghan", "Shibirghan",
    "Saporischschja", "Zaporizhzhia", "Charkiw", "Kharkiv", "Tschernihiw", "Chernihiv", "Kyjiw", "Kyiv",
    "Sankt Petersburg", "Saint-Étienne", "Ḩalab", "Köln", "Straße", "ſtadt", "N\u2019Djamena", "São Paulo",
    "Łódź", "İstanbul", "Ürümqi", "Šiauliai", "Žilina", "Čačak", "Tskhinvali", "Ṣanʿāʾ", "Москва",
    "بغداد", "北京", "Al Ḩasakah", "Hasakeh", "Abu Kamal", "Albukamal", "Ras al-Ain", "Ra's al 'Ayn",
    "U.S.", "New York", "Washington, D.C.", "Ouagadougou", "Wagadugu", "Goma", "Bunia", "El Fasher",
    "al-Fashir",
)  # fmt: skip


def folding_rules_sha256() -> str:
    """Fingerprint of the name-folding rules, taken from their behaviour on `_FOLDING_PROBES`.

    Keys in the artefact are only valid for the rules that made them. Hashing what the rules *do* (rather
    than the source file) means a comment or type-hint edit in `normalize.py` does not force a rebuild,
    while any change in how a name folds does.
    """
    import hashlib

    from geo.gazetteer.normalize import key_hash

    lines = (f"{n}\t{fold(n)}\t{simple_key(n)}\t{key_hash(fold(n))}" for n in _FOLDING_PROBES)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


ATTRIBUTION = "Places: GeoNames (CC BY 4.0) | Boundaries: Natural Earth (public domain)"
ATTRIBUTION_HTML = (
    'Places: <a href="https://www.geonames.org/">GeoNames</a> '
    '(<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>) | '
    'Boundaries: <a href="https://www.naturalearthdata.com/">Natural Earth</a> (public domain)'
)

How = Literal["exact", "alias", "folded", "fuzzy"]

# Feature codes as stored in the artifact (index = code number); the build writes this list too and the
# loader checks it. Codes are GeoNames': capitals, seats of admin levels 1-5, sections, ruins...
FEATURE_CODES = (
    "PPL", "PPLA", "PPLC", "ADM1", "PCLI", "PPLA2", "PPLA3", "PPLA4", "PPLA5", "PPLX", "PPLL", "PPLS",
    "PPLF", "PPLR", "PPLW", "PPLG", "PPLH", "PPLQ", "PPLCH", "STLMT", "PPLD", "CONT", "RGN",
)  # fmt: skip
_FC_ADM1, _FC_PCLI = 3, 4
_FC_CONT = FEATURE_CODES.index("CONT")  # CONT and RGN (feature class L) come last
# name kinds (see gazetteer_build): canonical, GeoNames alternate, curated alias, main name in a language
_KIND_CANONICAL, _KIND_ALTERNATE, _KIND_ALIAS, _KIND_MAIN = 0, 1, 2, 3

# Tier weights (see module docstring) and the match quality that feeds the score.
_TIER = {"exact": 1.0, "alias": 0.95, "simple": 0.9, "folded": 0.8}
_QUALITY = {"exact": 1.0, "alias": 0.97, "simple": 0.94, "folded": 0.86}
_CANONICAL_BONUS = 0.05
_FOLD_BOUND = _TIER["folded"] + _CANONICAL_BONUS  # best rank a folded entry can reach, minus prominence

# Fuzzy fallback: rapidfuzz ratio (0-100) on fold keys, candidates blocked by first letter and length.
FUZZY_MIN_RATIO = 85.0
_FUZZY_MIN_LEN = 4

# Common-word discount: a name that is an ordinary word (Zipf >= 3.0 in English or German) is credible
# only for a place whose prominence clearly exceeds the word's frequency.
_COMMON_MIN_ZIPF = 3.0
_MAX_SCAN = 64
_CACHE_SIZE = (
    50_000  # memoised lookups (a few MB)  # postings are sorted by prominence; deeper ones cannot win
)
# lookup()'s memo key: (name, country codes as given or as a tuple, fuzzy, limit)
_CacheKey = tuple[str, str | tuple[str, ...] | None, bool, int]


_PLACE_FIELDS = ("geonameid", "name", "latitude", "longitude", "feature_class", "feature_code",
                 "country_code", "admin1_code", "admin1_name", "country_name", "population")  # fmt: skip
if tuple(f.name for f in fields(Place)) != _PLACE_FIELDS:  # pragma: no cover - guards a model change
    raise ImportError("geo.model.Place fields changed; update Gazetteer._place")


class GazetteerNotBuilt(DataMissingError):
    """The artifact is missing or stale: run `conflictmap gazetteer build` (`make gazetteer` in a checkout).

    A `DataMissingError` (hence also a `RuntimeError`), so the CLI reports it as one line with exit 2."""


class Match(NamedTuple):
    """One candidate for a looked-up name (immutable: results are memoised and shared).

    A NamedTuple rather than a frozen dataclass: a frozen dataclass sets each field through
    object.__setattr__, which cost ~1 us per match, a twentieth of an exact lookup."""

    place: Place
    matched_name: str
    how: How
    score: float


class Gazetteer:
    """Read-only world gazetteer; thread-safe for lookups. Use `get_gazetteer()` for the shared one."""

    def __init__(self, build_dir: Path | str | None = None) -> None:
        self.build_dir = Path(build_dir) if build_dir is not None else gazetteer_dir()
        if not (self.build_dir / ".complete").exists():
            raise GazetteerNotBuilt(f"gazetteer artifact missing in {self.build_dir}; {REBUILD_HINT}")
        _check_manifest(self.build_dir)
        check = self.build_dir / "fc_table_check.npy"
        if not check.exists() or np.load(check).tobytes().decode() != ",".join(FEATURE_CODES):
            raise GazetteerNotBuilt(
                f"gazetteer artifact in {self.build_dir} has an older layout; {REBUILD_HINT}"
            )
        a = _ArrayDir(self.build_dir)
        self._gid = a["gid"]
        self._lat = a["lat"]
        self._lon = a["lon"]
        self._pop = a["pop"]
        self._fc = a["fc"]
        self._prom = a["prom"]
        self._cc = a["cc"]
        self._a1 = a["a1"]
        self._prov_place, self._prov_seat = a["prov_place"], a["prov_seat"]
        self._ctry_place = a["ctry_place"]
        self._prov_wkb_off, self._prov_wkb = a["prov_wkb_off"], a["prov_wkb"]
        self._ctry_wkb_off, self._ctry_wkb = a["ctry_wkb_off"], a["ctry_wkb"]
        # `arr.data` is a memoryview of the array, like `memoryview(arr)` (same format, shape and values);
        # numpy's stubs declare ndarray a buffer only for Python 3.12+, so that spelling does not type-check
        # posting columns, contiguous per key: (offsets, place, kind, surface name)
        self._s_cols = (a["s_off"].data, a["s_post"].data)
        self._f_cols = (a["f_off"].data, a["f_post"].data)
        # key hash -> row: open-addressing tables in the mapped files, read through memoryviews
        # (indexing a memoryview yields a Python int ~5x faster than a numpy scalar)
        self._s_index = (a["s_slots"].data, a["s_hash"].data)
        self._f_index = (a["f_slots"].data, a["f_hash"].data)
        self._s_frow = a["s_frow"].data
        # prominence of the top place of each simple key's fold posting (absent in older artifacts)
        has_ftop = (self.build_dir / "s_ftop.npy").exists()
        self._s_ftop = a["s_ftop"].data if has_ftop else None

        self._names = _StringTable(a["place_names_blob"], a["place_names_off"], hot=True)
        self._surface = _StringTable(a["surface_blob"], a["surface_off"], hot=True)
        self._s_keys = _StringTable(a["s_keys_blob"], a["s_keys_off"], hot=True)
        self._f_keys = _StringTable(a["f_keys_blob"], a["f_keys_off"])
        self._fz_keys = _StringTable(a["fz_keys_blob"], a["fz_keys_off"])
        self._fz_kid = a["fz_kid"]
        self._cc_table = _StringTable(a["cc_table_blob"], a["cc_table_off"]).all()
        self._a1_table = _StringTable(a["a1_table_blob"], a["a1_table_off"]).all()
        self._prov_type = _StringTable(a["prov_type_blob"], a["prov_type_off"]).all()
        self._prov_name_de = _StringTable(a["prov_name_de_blob"], a["prov_name_de_off"]).all()
        words = _StringTable(a["common_words_blob"], a["common_words_off"]).all()
        self._common = dict(zip(words, a["common_zipf"].tolist(), strict=True))

        # hot-path per-place columns as memoryviews of the mapped arrays: indexing one yields a Python
        # int/float ~5x faster than a numpy scalar, costs nothing at load (no .tolist() of 240,000
        # values), and touches one cache line per access where a list of boxed numbers touches two
        self._gid_l = self._gid.data
        # one structured row per place: a single .item() call yields all Place columns as Python values
        columns = {"gid": self._gid, "lat": self._lat, "lon": self._lon, "pop": self._pop,
                   "fc": self._fc, "cc": self._cc, "a1": self._a1}  # fmt: skip
        self._rows = np.empty(len(self._gid), dtype=[(k, v.dtype) for k, v in columns.items()])
        for col, arr in columns.items():
            self._rows[col] = arr
        self._prom_l = self._prom.data
        self._fc_l = self._fc.data
        self._cc_l = self._cc.data

        self._cc_index = {c: i for i, c in enumerate(self._cc_table)}
        self._gid_to_idx: dict[int, int] | None = None
        # (country code index, admin1 code index) -> province row; country code -> country place index
        self._prov_by_key: dict[tuple[int, int], int] = {}
        for row, pi in enumerate(self._prov_place.tolist()):
            self._prov_by_key.setdefault((int(self._cc[pi]), int(self._a1[pi])), row)
        self._country_by_cc: dict[int, int] = {}
        for pi in np.nonzero(self._fc == _FC_PCLI)[0].tolist():
            self._country_by_cc.setdefault(int(self._cc[pi]), pi)
        self._places: dict[int, Place] = {}
        self._cache: dict[_CacheKey, tuple[Match, ...]] = {}
        self._lock = threading.Lock()
        empty_a1 = self._a1_pos.get("")
        self._admin1_labels = {
            k[0] << 20 | k[1]: self._province_label(row)
            for k, row in self._prov_by_key.items()
            if k[1] != empty_a1
        }
        self._country_names = {cci: self._names[pi] for cci, pi in self._country_by_cc.items()}

    # ------------------------------------------------------------------------------------ places

    def __len__(self) -> int:
        return len(self._gid)

    def _place(self, i: int) -> Place:
        p = self._places.get(i)
        if p is not None:
            return p
        gid, lat, lon, pop, fci, cci, a1i = self._rows[i].item()
        # positional arguments (field order checked at import): ~1 us cheaper per Place than keywords
        p = Place(
            gid,
            self._names[i],
            lat,
            lon,
            "A" if fci == _FC_ADM1 or fci == _FC_PCLI else "L" if fci >= _FC_CONT else "P",
            FEATURE_CODES[fci],
            self._cc_table[cci],
            self._a1_table[a1i],
            "" if fci == _FC_PCLI else self._admin1_labels.get(cci << 20 | a1i, ""),
            self._country_names.get(cci, ""),
            pop,
        )
        self._places[i] = p
        return p

    def _province_label(self, row: int) -> str:
        """ "Ghazni Province" where Natural Earth types the unit as a province, else the bare name."""
        name = self._names[self._prov_place[row]]
        return f"{name} Province" if self._prov_type[row] == "Province" else name

    def _index_of(self, geonameid: int) -> int | None:
        if self._gid_to_idx is None:
            with self._lock:
                if self._gid_to_idx is None:
                    self._gid_to_idx = dict(zip(self._gid.tolist(), range(len(self._gid)), strict=True))
        return self._gid_to_idx.get(int(geonameid))

    def get(self, geonameid: int) -> Place | None:
        """The place with this id (GeoNames id; provinces without one have a negative id)."""
        i = self._index_of(geonameid)
        return None if i is None else self._place(i)

    def country(self, code: str) -> Place | None:
        """The country Place (PCLI) for an ISO 3166-1 alpha-2 code, case-insensitive."""
        cci = self._cc_index.get((code or "").upper())
        ci = self._country_by_cc.get(cci) if cci is not None else None
        return None if ci is None else self._place(ci)

    def province_of(self, place: Place) -> Place | None:
        """The ADM1 Place containing `place` by (country_code, admin1_code); a province returns itself."""
        if place.feature_code == "ADM1":
            return place
        row = self._province_row(place.country_code, place.admin1_code)
        return None if row is None else self._place(int(self._prov_place[row]))

    def _province_row(self, country_code: str, admin1_code: str) -> int | None:
        cci = self._cc_index.get(country_code)
        if cci is None or not admin1_code:
            return None
        a1i = self._a1_pos.get(admin1_code)
        return None if a1i is None else self._prov_by_key.get((cci, a1i))

    @cached_property
    def _a1_pos(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self._a1_table)}

    def seat_of(self, province: Place) -> Place | None:
        """The province's capital (PPLA, or the national capital where it lies in the province)."""
        row = self._province_row(province.country_code, province.admin1_code)
        if row is None or int(self._prov_place[row]) != self._index_of(province.geonameid):
            rows = np.nonzero(self._gid[self._prov_place] == province.geonameid)[0]
            if not len(rows):
                return None
            row = int(rows[0])
        seat = int(self._prov_seat[row])
        return None if seat < 0 else self._place(seat)

    # ------------------------------------------------------------------------------------ lookup

    def surface_names(self) -> list[str]:
        """Every distinct name, alternate name and alias as written (all scripts), sorted."""
        return self._surface.all()

    def simple_keys(self) -> list[str]:
        """Every distinct `simple_key` of a name (what the first lookup index holds), in table order."""
        return self._s_keys.all()

    def fold_keys(self) -> list[str]:
        """Every distinct `fold` key of a name (the folded index), in table order."""
        return self._f_keys.all()

    def _credibility(self, zipf: float, pi: int, kind: int, how: str) -> float:
        """Discount for names that are ordinary words: "Price" (Utah, 8,000 people) is far more often the
        noun; "Kabul" or "Nice" are frequent words *because* the place is prominent. That excuse holds
        only for a place's main name: a common word that is merely one of many alternate names ("Man"
        for Amman, "Dort" for Dordrecht) or only matches after folding counts as an obscure name.
        Provinces count a bit less than in ranking, as generic unit names ("Central") are common words."""
        if zipf < _COMMON_MIN_ZIPF:
            return 1.0
        prom = self._prom_l[pi] - (0.7 if self._fc_l[pi] == _FC_ADM1 else 0.0)
        if kind == _KIND_ALTERNATE:
            prom -= 3.0
        if how != "exact":
            prom -= 1.0
        return min(1.0, max(0.1, 0.5 + 0.25 * (prom + 1.0 - zipf)))

    def lookup(
        self,
        name: str,
        *,
        country_codes: list[str] | tuple[str, ...] | str | None = None,
        fuzzy: bool = True,
        limit: int = 10,
    ) -> list[Match]:
        """Candidates for `name`, best first. `country_codes` restricts to those ISO alpha-2 codes.

        Returns [] when nothing matches; use `Match.score` (and `geo.gazetteer.geocoder.ACCEPT_SCORE`) to
        decide whether the best candidate is credible. Results are memoised (news repeats the same names), so
        the returned list is fresh but its Match objects are shared and immutable.
        """
        ckey: _CacheKey | None  # None once the arguments turn out unhashable
        ckey = (name, country_codes if country_codes is None or isinstance(country_codes, str)
                else tuple(country_codes), fuzzy, limit)  # fmt: skip
        try:
            hit = self._cache.get(ckey)
        except TypeError:  # unhashable arguments: just compute
            hit, ckey = None, None
        if hit is not None:
            return list(hit)
        result = self._lookup(name, country_codes, fuzzy, limit)
        if ckey is not None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()  # crude but O(1) per call; a working set refills it quickly
            self._cache[ckey] = tuple(result)
        return result

    def _lookup(self, name, country_codes, fuzzy: bool, limit: int) -> list[Match]:
        query = " ".join(name.split()) if isinstance(name, str) else " ".join(str(name).split())
        sk = _simple_key(query)
        if not sk or limit <= 0:
            return []
        allowed = None if country_codes is None else self._allowed(country_codes)
        if allowed is not None and not allowed:
            return []
        zipf = self._common.get(sk, 0.0) if " " not in sk else 0.0
        # place -> (rank, score, how, surface idx, surface name if already decoded)
        best: dict[int, tuple[float, float, str, int, str | None]] = {}
        j = _find(self._s_index, self._s_keys, sk)
        if j >= 0:
            self._consider(j, self._s_cols, "simple", query.casefold(), zipf, allowed, limit, best)
        if j >= 0 and not _fold_differs(query):
            fk = ""  # computed below only if the fuzzy path needs it
            if (
                limit == 1
                and len(best) == 1
                and self._s_ftop is not None
                and next(iter(best.values()))[0] > _FOLD_BOUND + 0.1 * self._s_ftop[j]
            ):  # the usual exact hit: no folded entry can overtake it (_fold_hopeless, precomputed)
                j = -1
            else:
                j = self._s_frow[j]
        else:
            fk = fold(query)
            j = _find(self._f_index, self._f_keys, fk) if fk else -1
        if j >= 0 and not self._fold_hopeless(j, best, limit):
            self._consider(j, self._f_cols, "folded", "", zipf, allowed, limit, best)
        if not best and not fk:
            fk = fold(query)
        # A correctly spelled ordinary word ("Bereits") is not a misspelled place: no fuzzy for those.
        if not best and fuzzy and zipf < _COMMON_MIN_ZIPF and len(fk) >= _FUZZY_MIN_LEN and fk.isascii():
            self._fuzzy(fk, zipf, allowed, best)
        if len(best) == 1:
            ranked = list(best.items())
        elif limit == 1 and best:
            ranked = [max(best.items(), key=lambda kv: (kv[1][0], -self._gid_l[kv[0]]))]
        else:
            gid = self._gid_l
            ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], gid[kv[0]]))[:limit]
        surface, places, place = self._surface, self._places, self._place
        return [
            Match(
                places.get(pi) or place(pi),
                text if text is not None else surface[si],
                "folded" if how == "simple" else how,  # type: ignore[arg-type]
                round(score, 4),
            )
            for pi, (_, score, how, si, text) in ranked
        ]

    def _fold_hopeless(self, j: int, best: dict, limit: int) -> bool:
        """True if no entry of fold posting `j` can enter the top `limit`: its most prominent entry
        (postings are sorted by prominence) at the folded tier ranks below the limit-th rank in hand."""
        if len(best) < limit:
            return False
        off, post = self._f_cols
        top = post[off[j]] & 0xFFFFFF
        bound = _TIER["folded"] + _CANONICAL_BONUS + 0.1 * self._prom_l[top]
        if len(best) == 1:
            return next(iter(best.values()))[0] > bound
        if limit == 1:
            return max(v[0] for v in best.values()) > bound
        return sorted((v[0] for v in best.values()), reverse=True)[limit - 1] > bound

    def _consider(self, j, cols, level, qcf, zipf, allowed, limit, best) -> None:
        """Rank the entries of one posting list (sorted by prominence, best first) into `best`.

        Stops early once `limit` places are in hand and the remaining entries are too obscure to
        overtake the limit-th one (tier and canonical bonuses span at most 2.5 prominence units).
        """
        off, post = cols
        prom_l, cc_l = self._prom_l, self._cc_l
        s_blob, s_off = self._surface._blob, self._surface._off  # surface names, decoded inline
        tier, quality, common = _TIER, _QUALITY, zipf >= _COMMON_MIN_ZIPF
        floor = -1e9
        last_si = -1
        text = None  # the decoded surface name of the last exact entry (postings group by name)
        for v in post[off[j] : off[j + 1]].tolist():
            pi, kind, si = v & 0xFFFFFF, (v >> 24) & 3, v >> 26
            if allowed is not None and cc_l[pi] not in allowed:
                continue
            prom = prom_l[pi]
            if prom < floor:
                break
            if level == "folded":
                how = level  # an alias reached only through transliteration folding is a folded match
            elif kind == _KIND_ALIAS:
                how = "alias"
            elif si == last_si:
                how = "exact"
            else:
                name = s_blob[s_off[si] : s_off[si + 1] - 1].decode()
                if name.casefold() == qcf:
                    how, last_si, text = "exact", si, name
                else:
                    how = level
            rank = tier[how] + 0.1 * prom + (_CANONICAL_BONUS if kind == _KIND_CANONICAL else 0.0)
            old = best.get(pi)
            if old is None or rank > old[0]:
                cred = self._credibility(zipf, pi, kind, how) if common else 1.0
                best[pi] = (rank, quality[how] * cred, how, si, text if how == "exact" else None)
            if floor < -1e8 and len(best) >= limit:
                floor = prom - 2.5

    def _allowed(self, country_codes) -> frozenset[int] | None:
        if country_codes is None:
            return None
        if isinstance(country_codes, str):
            country_codes = country_codes.replace(";", ",").split(",")
        codes = [str(c).strip().upper() for c in country_codes if c and str(c).strip()]
        if not codes:
            return None
        return frozenset(self._cc_index[c] for c in codes if c in self._cc_index)

    # ------------------------------------------------------------------------------------ fuzzy

    @cached_property
    def _fuzzy_blocks(self) -> dict[str, tuple[list[str], list[int], list[int]]]:
        """Blocking for the fuzzy fallback: pool fold keys grouped by their first two letters ("ka...")
        and by first + last letter ("k|r"), each group sorted by length with offsets per length. A
        single typo after the second letter keeps the first block; one in the second letter keeps the
        other. Typos in the first letter are not recovered.

        The pool (keys of places with >= ~5,000 inhabitants, seats, provinces, countries) is prebuilt;
        it is grouped on first use, not at load, because most processes never go fuzzy.
        """
        keys = self._fz_keys.all()
        kids = self._fz_kid.tolist()
        groups: dict[str, list[tuple[int, str, int]]] = {}
        for k, kid in zip(keys, kids, strict=True):
            for block in (k[:2], f"{k[0]}|{k[-1]}"):
                groups.setdefault(block, []).append((len(k), k, kid))
        blocks = {}
        for block, items in groups.items():
            items.sort()
            lengths = [n for n, _, _ in items]
            offsets = [bisect_left(lengths, n) for n in range(lengths[-1] + 2)]
            blocks[block] = ([k for _, k, _ in items], [kid for *_, kid in items], offsets)
        return blocks

    def _fuzzy(self, fk: str, zipf: float, allowed, best: dict) -> None:
        """Bounded fuzzy fallback: rapidfuzz ratio >= FUZZY_MIN_RATIO within two small blocks, and only
        against keys whose length can reach that ratio at all."""
        from rapidfuzz import fuzz, process

        n = len(fk)
        cut = FUZZY_MIN_RATIO / 100.0
        shortest = math.ceil(n * cut / (2.0 - cut))
        longest = math.floor(n * (2.0 - cut) / cut)
        found: dict[int, float] = {}
        for block in (fk[:2], f"{fk[0]}|{fk[-1]}"):
            entry = self._fuzzy_blocks.get(block)
            if entry is None:
                continue
            keys, kids, offsets = entry
            lo = offsets[min(shortest, len(offsets) - 1)]
            hi = offsets[min(longest + 1, len(offsets) - 1)]
            if hi <= lo:
                continue
            for _, ratio, pos in process.extract(
                fk, keys[lo:hi], scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_RATIO, limit=5
            ):
                kid = kids[lo + pos]
                found[kid] = max(ratio, found.get(kid, 0.0))
        off, post = self._f_cols
        for kid, ratio in sorted(found.items(), key=lambda kv: -kv[1])[:5]:
            a, b = off[kid], off[kid + 1]
            ents = [(v & 0xFFFFFF, (v >> 24) & 3, v >> 26) for v in post[a:b].tolist()]
            if allowed is not None:
                ents = [e for e in ents if self._cc_l[e[0]] in allowed]
            for pi, kind, si in ents[:8]:
                prom = self._prom_l[pi]
                quality = 0.45 + 0.45 * (ratio - 80.0) / 20.0
                rank = 0.6 * ratio / 100.0 + 0.1 * prom
                old = best.get(pi)
                if old is None or rank > old[0]:
                    cred = self._credibility(zipf, pi, kind, "fuzzy")
                    best[pi] = (rank, quality * cred, "fuzzy", si, None)

    # ------------------------------------------------------------------------------------ reverse

    @cached_property
    def _kdtree(self):
        from scipy.spatial import cKDTree

        populated = np.nonzero((self._fc != _FC_ADM1) & (self._fc != _FC_PCLI) & (self._fc < _FC_CONT))[0]
        lat = np.radians(self._lat[populated])
        lon = np.radians(self._lon[populated])
        xyz = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
        return cKDTree(xyz), populated

    def nearest(self, lat: float, lon: float) -> Place:
        """The nearest populated place (great-circle nearest via 3-D unit vectors)."""
        tree, populated = self._kdtree
        la, lo = math.radians(lat), math.radians(lon)
        _, j = tree.query([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])
        return self._place(int(populated[int(j)]))

    @cached_property
    def _prov_geoms(self) -> np.ndarray:
        return _wkb_array(self._prov_wkb, self._prov_wkb_off)

    @cached_property
    def _ctry_geoms(self) -> np.ndarray:
        return _wkb_array(self._ctry_wkb, self._ctry_wkb_off)

    @cached_property
    def _prov_tree(self):
        import shapely

        return shapely.STRtree(self._prov_geoms)

    @cached_property
    def _ctry_tree(self):
        import shapely

        return shapely.STRtree(self._ctry_geoms)

    def admin1_at(self, lat: float, lon: float) -> Place | None:
        """The province (ADM1) whose simplified polygon contains the point, or None (sea, gaps)."""
        import shapely

        hits = sorted(self._prov_tree.query(shapely.Point(lon, lat), predicate="within").tolist())
        if not hits:
            return None
        # Units overlap only in the UK, where Natural Earth's counties (stale codes, no seat) lie inside
        # GeoNames' ADM1 constituent countries: prefer the unit with a seat, as province_of() does
        row = next((h for h in hits if self._prov_seat[h] >= 0), hits[0])
        return self._place(int(self._prov_place[row]))

    def country_at(self, lat: float, lon: float) -> Place | None:
        """The country whose simplified polygon contains the point, or None."""
        import shapely

        hits = self._ctry_tree.query(shapely.Point(lon, lat), predicate="within")
        return self._place(int(self._ctry_place[int(min(hits))])) if len(hits) else None

    # ------------------------------------------------------------------------------------ layers

    def provinces(self) -> geopandas.GeoDataFrame:
        """All provinces: geonameid, name, name_de, country_code, admin1_code, geometry (EPSG:4326)."""
        import geopandas as gpd

        idx = self._prov_place
        return gpd.GeoDataFrame(
            {
                "geonameid": self._gid[idx],
                "name": [self._names[i] for i in idx.tolist()],
                "name_de": list(self._prov_name_de),
                "country_code": [self._cc_table[self._cc[i]] for i in idx.tolist()],
                "admin1_code": [self._a1_table[self._a1[i]] for i in idx.tolist()],
            },
            geometry=self._prov_geoms,
            crs="EPSG:4326",
        )

    def countries(self) -> geopandas.GeoDataFrame:
        """All countries: geonameid, country_code, name, name_de, geometry (EPSG:4326)."""
        import geopandas as gpd

        idx = self._ctry_place
        return gpd.GeoDataFrame(
            {
                "geonameid": self._gid[idx],
                "country_code": [self._cc_table[self._cc[i]] for i in idx.tolist()],
                "name": [self._names[i] for i in idx.tolist()],
                "name_de": [
                    _german_country_name(self._cc_table[self._cc[i]], self._names[i]) for i in idx.tolist()
                ],
            },
            geometry=self._ctry_geoms,
            crs="EPSG:4326",
        )


# simple_key without its lru_cache: lookup() memoises whole results by name already, so a second cache
# on the same query only adds its bookkeeping (~1 us) to every first-time lookup
_simple_key = getattr(simple_key, "__wrapped__", simple_key)

_HACEK_LETTERS = frozenset("šŠčČžŽ")


def _fold_differs(query: str) -> bool:
    """True when fold(query) may differ from fold(simple_key(query)): a hyphenated Arabic article
    ("ar-Raqqa") or Latin hacek letters, which fold() reads from the raw spelling."""
    head = query[:5]
    if "-" in head or "\u2010" in head or "\u2011" in head:
        return True
    return not query.isascii() and not _HACEK_LETTERS.isdisjoint(query)


def _find(index: tuple[memoryview, memoryview], keys: _StringTable, key: str) -> int:
    """Row of `key`, or -1: probe the open-addressing table built by the gazetteer build. The key itself
    is compared at the end, so a hash collision with a missing key cannot produce a false hit."""
    slots, hashes = index
    kb = key.encode("utf-8")
    h = (crc32(kb) << 32) | adler32(kb)  # = key_hash(key), inlined on this hot path
    mask = len(slots) - 1
    i = (h >> 32) & mask
    while True:
        row = slots[i]
        if row < 0:
            return -1
        if hashes[row] == h:
            off = keys._off
            return row if keys._blob[off[row] : off[row + 1] - 1] == kb else -1
        i = (i + 1) & mask


class _ArrayDir:
    """The artifact's .npy files, memory-mapped on first access."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __getitem__(self, name: str) -> np.ndarray:
        # a plain ndarray view of the map: slicing a np.memmap subclass costs microseconds per slice
        return np.load(self.folder / f"{name}.npy", mmap_mode="r", allow_pickle=False).view(np.ndarray)


class _StringTable:
    """Strings stored as one '\\n'-joined UTF-8 blob plus offsets; decoded one at a time on demand."""

    __slots__ = ("_blob", "_off", "_n")

    def __init__(self, blob: np.ndarray, off: np.ndarray, hot: bool = False) -> None:
        self._blob = blob.tobytes()
        # hot tables (read on every lookup) index their offsets through a memoryview: a Python int per
        # access, ~5x cheaper than a numpy scalar, and no million-element list to build at load
        self._off = np.ascontiguousarray(off).data if hot else off
        self._n = len(off) - 1

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, k: int) -> str:
        off = self._off
        return self._blob[off[k] : off[k + 1] - 1].decode()

    def all(self) -> list[str]:
        return self._blob[:-1].decode("utf-8").split("\n") if self._n else []


def _wkb_array(blob: np.ndarray, off: np.ndarray) -> np.ndarray:
    import shapely

    raw = blob.tobytes()
    return shapely.from_wkb([raw[off[k] : off[k + 1]] for k in range(len(off) - 1)])


def _german_country_name(code: str, fallback: str) -> str:
    import gettext

    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    if c is None:
        return fallback
    de = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    name = de.gettext(getattr(c, "common_name", None) or c.name)
    return name.split(", ")[0]


def _check_manifest(build_dir: Path) -> None:
    """Refuse an artefact of another format version or built with other folding rules."""
    import json

    try:
        inputs = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GazetteerNotBuilt(
            f"gazetteer manifest in {build_dir} unreadable ({exc}); {REBUILD_HINT}"
        ) from None
    if inputs.get("format") != FORMAT_VERSION:
        raise GazetteerNotBuilt(
            f"gazetteer artifact in {build_dir} has format {inputs.get('format')}, this conflictmap reads "
            f"format {FORMAT_VERSION}; {REBUILD_HINT}"
        )
    if inputs.get("folding_fingerprint") != folding_rules_sha256():
        raise GazetteerNotBuilt(
            f"gazetteer artifact in {build_dir} was built with other name-folding rules; {REBUILD_HINT}"
        )


_SHARED: Gazetteer | None = None
_SHARED_LOCK = threading.Lock()


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded on first use from `geo.paths.gazetteer_dir()`."""
    global _SHARED
    if _SHARED is None:
        with _SHARED_LOCK:
            if _SHARED is None:
                _SHARED = Gazetteer()
    return _SHARED
