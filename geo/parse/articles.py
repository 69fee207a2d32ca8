"""Read news articles from files, folders and uploads into `geo.model.Article` objects.

Formats: `.txt` (with the optional leading ` date YYYY-MM[-DD]` marker), `.html`/`.htm` (main text and
title via trafilatura; scripts are dropped, never executed), `.json` (an object or an array of objects,
or {"articles": [...]}), `.jsonl`/`.ndjson` and `.csv` with the fields text, date, title, url, language.
Folders are walked recursively in sorted order, skipping hidden entries, so runs are deterministic.

Why the text is kept whole for `.txt`: mention and evidence offsets index into `Article.text`, and the
extract interface promises offsets into the whole decoded file, marker included.

Limits: a `.txt`/`.html` file larger than `MAX_ARTICLE_BYTES` (5 MB; a long news article is ~50 KB) and
a collection file (`.json`/`.jsonl`/`.csv`) larger than `MAX_COLLECTION_BYTES` (100 MB) are rejected
without being read, so a stray 20 MB log file cannot stall ingest. Bad inputs never raise out of
`read_paths`; they come back as `Rejected(source, reason)`.

A UTF-8 file with a few broken bytes (a truncated copy, one stray byte) stays UTF-8: the broken bytes
become U+FFFD and `read_paths` reports how many through `on_warning`; reading the whole file as cp1252
instead would garble every accented place name in it (see `decode_bytes` for the rule).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from geo.model import Article
from geo.parse import lang as languages
from geo.parse.dates import article_date, marker_end

__all__ = [
    "MAX_ARTICLE_BYTES",
    "MAX_COLLECTION_BYTES",
    "MAX_INVALID_UTF8_PER_KB",
    "ArticleError",
    "Rejected",
    "SUPPORTED_EXTENSIONS",
    "article_from_text",
    "content_hash",
    "decode_bytes",
    "decode_counted",
    "detect_language",
    "read_file",
    "read_file_detailed",
    "read_paths",
    "read_upload",
    "replaced_bytes_warning",
]

MAX_ARTICLE_BYTES = 5 * 1024 * 1024
MAX_COLLECTION_BYTES = 100 * 1024 * 1024
#: A file that is not valid UTF-8 is still read as UTF-8 (broken bytes replaced by U+FFFD) when it has at
#: most this many broken stretches per 1,000 bytes (at least one is always allowed) and at least as many
#: valid multi-byte UTF-8 characters as broken stretches; otherwise it is a legacy codepage.
MAX_INVALID_UTF8_PER_KB = 1

TEXT_EXT = {".txt", ".text", ""}
HTML_EXT = {".html", ".htm", ".xhtml"}
JSON_EXT = {".json"}
JSONL_EXT = {".jsonl", ".ndjson"}
CSV_EXT = {".csv"}
SUPPORTED_EXTENSIONS = TEXT_EXT | HTML_EXT | JSON_EXT | JSONL_EXT | CSV_EXT

# Field aliases seen in news exports; the documented names come first.
_TEXT_KEYS = ("text", "body", "content", "article", "maintext")
_DATE_KEYS = ("date", "published", "published_at", "publish_date", "date_publish", "pubdate", "datetime")
_TITLE_KEYS = ("title", "headline")
_URL_KEYS = ("url", "link")
_LANG_KEYS = ("language", "lang")

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or Office document)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "executable"),
    (b"RIFF", "RIFF media file"),
    (b"SQLite format 3\x00", "SQLite database"),
)


class ArticleError(Exception):
    """A file (or upload) that cannot be read as articles; `reason` is meant for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input that was not read, and why (shown by `ingest` and the dashboard)."""

    source: str
    reason: str


# --- decoding -----------------------------------------------------------------------------------------


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has NULs but is text
        return None
    if b"\x00" in head:
        return "binary data"
    return None


_BROKEN_UTF8 = re.compile("[\udc80-\udcff]+")  # bytes surrogateescape could not decode
_MULTIBYTE = re.compile("[^\x00-\x7f\udc80-\udcff]")  # characters UTF-8 encodes in several bytes


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """(text, replaced bytes) when invalid UTF-8 is a rare accident in UTF-8 text, else None.

    The rule (`MAX_INVALID_UTF8_PER_KB`): few broken stretches for the size, and positive evidence of
    UTF-8: at least as many valid multi-byte characters as broken stretches. A real cp1252 file has an
    invalid "byte" at each accented letter and almost never a valid UTF-8 multi-byte sequence, so it
    fails the second test even when it has a single accented letter.
    """
    escaped = data.decode("utf-8", "surrogateescape")
    allowed = max(1, len(data) * MAX_INVALID_UTF8_PER_KB // 1000)
    stretches = 0
    replaced = 0
    for m in _BROKEN_UTF8.finditer(escaped):
        stretches += 1
        replaced += len(m.group())
        if stretches > allowed:
            return None
    valid = sum(1 for _ in zip(range(stretches), _MULTIBYTE.finditer(escaped), strict=False))
    if valid < stretches:
        return None
    return data.decode("utf-8", "replace"), replaced


def decode_bytes(data: bytes) -> str:
    """Decode text bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else the detected legacy codepage.

    UTF-8 with a few broken bytes stays UTF-8, the broken bytes replaced by U+FFFD (the rule is in
    `_mostly_utf8`). Western European legacy files (cp1252/latin-1) are the common case after UTF-8 and
    are tried first; charset-normalizer decides for other codepages (Cyrillic, Greek...). Raises
    ArticleError for binary or undecodable data (mostly control characters whatever the codepage).
    """
    return decode_counted(data)[0]


def decode_counted(data: bytes) -> tuple[str, int]:
    """`decode_bytes`, plus how many bytes were invalid UTF-8 and replaced by U+FFFD (0 for clean text)."""
    kind = _binary_kind(data)
    if kind:
        raise ArticleError(f"binary file ({kind}), not text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), 0
        except UnicodeDecodeError as exc:
            raise ArticleError("undecodable text (broken UTF-16)") from exc
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly
    # Western European text (the common legacy case): cp1252 reads it right, and mostly-ASCII letters
    # show it is not a Cyrillic/Greek/... codepage, which charset-normalizer then decides (it misguesses
    # short Western texts as cp037/cp932, so it does not get the first word).
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8D...): latin-1 reads everything
        western = data.decode("latin_1")
    letters = [ch for ch in western[:50_000] if ch.isalpha()]
    non_ascii = sum(1 for ch in letters if ord(ch) > 127)
    if letters and non_ascii / len(letters) < 0.6 and _looks_like_text(western):
        return western, 0
    from charset_normalizer import from_bytes  # noqa: PLC0415 - only for non-UTF-8, non-Western files

    best = from_bytes(data[:200_000]).best()
    encodings = []
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        encodings.append(best.encoding)
    encodings += ["cp1252", "latin_1"]
    for enc in encodings:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_like_text(text):
            return text, 0
    raise ArticleError("undecodable text (not UTF-8, UTF-16 or a known 8-bit codepage)")


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    sample = text[:20_000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\r\n\t\f") or 0x80 <= ord(ch) < 0xA0)
    return bad / len(sample) < 0.01


def content_hash(text: str) -> str:
    """sha256 of the decoded text: re-reading the same article (any encoding) gives the same key."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- language -----------------------------------------------------------------------------------------

_LANGID: Any = None


# Enough function words of one language, four times those of any other, decide without the model.
_MIN_FUNCTION_WORDS = 8
_FUNCTION_WORD_LEAD = 4


@lru_cache(maxsize=4)
def _function_words(_version: int) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each language's function words (`Language.function_words`), rebuilt when languages change."""
    return tuple((lg.code, lg.function_words) for lg in languages.all_languages() if lg.function_words)


_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, None if it has no words.

    English and German (the bulk of the input) are decided by distinctive function words in 0.05 ms
    (`Language.function_words`);
    anything less clear-cut goes to py3langid (ships its model, works offline; ~1 ms per article).
    """
    global _LANGID
    sample = text[:800].strip()
    if len(sample) < 3 or not re.search(r"[^\W\d_]", sample):
        return None
    words = _WORD.findall(sample.lower())
    counts = [
        (code, sum(1 for w in words if w in table)) for code, table in _function_words(languages.version())
    ]
    for code, n in counts:
        if n >= _MIN_FUNCTION_WORDS and all(n >= _FUNCTION_WORD_LEAD * m for c, m in counts if c != code):
            return code
    if _LANGID is None:
        from py3langid.langid import classify  # noqa: PLC0415 - 0.15 s import

        _LANGID = classify
    lang, _score = _LANGID(sample)
    return str(lang)


# --- building articles --------------------------------------------------------------------------------

_TITLE_SKIP = re.compile(r"^\s*(?:\d+\.\s|[-*•]\s|skip to|zum inhalt|menu|menü|advertisement)", re.I)


def _guess_title(text: str, body_start: int) -> str | None:
    """A headline-like first line: short, no final full stop, a few words. Plain text has no title field."""
    for line in text[body_start : body_start + 2000].splitlines()[:8]:
        line = line.strip()
        if not line or _TITLE_SKIP.match(line):
            continue
        words = line.split()
        if 3 <= len(words) <= 20 and len(line) <= 160 and not line.endswith((".", ",", ";", ":")):
            return line
        return None
    return None


def article_from_text(
    text: str,
    source: str = "<pasted>",
    *,
    title: str | None = None,
    date: Any = None,
    language: str | None = None,
    url: str | None = None,
) -> Article:
    """Build an Article from decoded text (pasted text, one record of a collection, a .txt file).

    `date` may be a `datetime.date` or a string ("2021-08-10", "2018-07", ...): metadata wins over the
    dateline but not over the explicit leading marker. Raises ArticleError for empty text.
    """
    if not text or not text.strip():
        raise ArticleError("empty text")
    meta_date: str | None
    if date is None or date == "":
        meta_date = None
    elif hasattr(date, "isoformat"):
        meta_date = date.isoformat()[:10]
    else:
        meta_date = str(date)
    d, prec = article_date(text, metadata=meta_date)
    body_start = marker_end(text)
    lang = _language_code(language) or detect_language(text[body_start:])
    if title is None and source != "<pasted>":
        title = _guess_title(text, body_start)
    return Article(
        text=text,
        source=source,
        content_hash=content_hash(text),
        title=(title or None),
        language=lang,
        date=d,
        date_precision=prec,
        url=(url or None),
    )


_LANG_NAMES = {
    "english": "en",
    "german": "de",
    "deutsch": "de",
    "french": "fr",
    "français": "fr",
    "spanish": "es",
    "español": "es",
    "arabic": "ar",
    "russian": "ru",
    "ukrainian": "uk",
}


def _language_code(value: str | None) -> str | None:
    """Metadata language as an ISO 639-1 code ("en", "de-DE" -> "de", "German" -> "de")."""
    v = (value or "").strip().lower()
    if not v:
        return None
    if v in _LANG_NAMES:
        return _LANG_NAMES[v]
    return v.replace("_", "-").split("-")[0] or None


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    lower = {str(k).lower(): v for k, v in record.items()}
    for key in keys:
        value = lower.get(key)
        if value not in (None, ""):
            return value
    return None


def _record_article(record: Any, source: str) -> Article:
    if not isinstance(record, dict):
        raise ArticleError(
            f"record is a JSON {type(record).__name__}, expected an object with a 'text' field"
        )
    text = _first(record, _TEXT_KEYS)
    if not isinstance(text, str) or not text.strip():
        raise ArticleError("record has no text (expected a non-empty 'text' field)")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_ARTICLE_BYTES:
        raise ArticleError(f"record text too large (limit {MAX_ARTICLE_BYTES // (1024 * 1024)} MB)")
    title, url, lang = (_first(record, k) for k in (_TITLE_KEYS, _URL_KEYS, _LANG_KEYS))
    return article_from_text(
        text,
        source,
        title=str(title) if title is not None else None,
        date=_first(record, _DATE_KEYS),
        language=str(lang) if lang is not None else None,
        url=str(url) if url is not None else None,
    )


def _records(records: Iterable[tuple[int, Any]], source: str) -> tuple[list[Article], list[Rejected]]:
    arts: list[Article] = []
    rej: list[Rejected] = []
    for n, rec in records:
        src = f"{source}#{n}"
        try:
            arts.append(_record_article(rec, src))
        except ArticleError as exc:
            rej.append(Rejected(src, exc.reason))
    return arts, rej


def _read_json(text: str, source: str) -> tuple[list[Article], list[Rejected]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArticleError(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, dict):
        try:
            return [_record_article(data, source)], []
        except ArticleError:
            raise
    if isinstance(data, list):
        if not data:
            raise ArticleError("empty JSON array (no articles)")
        return _records(enumerate(data, 1), source)
    raise ArticleError(f"JSON {type(data).__name__} at top level, expected an object or an array of objects")


def _read_jsonl(text: str, source: str) -> tuple[list[Article], list[Rejected]]:
    recs: list[tuple[int, Any]] = []
    rej: list[Rejected] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            recs.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            rej.append(Rejected(f"{source}#{n}", f"invalid JSON on line {n}: {exc.msg}"))
    arts, rej2 = _records(recs, source)
    return arts, rej + rej2


def _read_csv(text: str, source: str) -> tuple[list[Article], list[Rejected]]:
    csv.field_size_limit(MAX_COLLECTION_BYTES)
    sample = text[:20_000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    fields = [str(f).strip().lower() for f in (reader.fieldnames or [])]
    if not any(k in fields for k in _TEXT_KEYS):
        raise ArticleError(f"CSV has no 'text' column (columns: {', '.join(fields) or 'none'})")
    try:
        rows = [
            (n, {str(k).strip(): v for k, v in row.items() if k is not None})
            for n, row in enumerate(reader, 1)
        ]
    except csv.Error as exc:
        raise ArticleError(f"invalid CSV: {exc}") from exc
    if not rows:
        raise ArticleError("CSV has a header but no rows")
    return _records(rows, source)


def _strip_html(html: str) -> tuple[str, str | None]:
    """Fallback when trafilatura finds no main text: all visible text, scripts and styles removed."""
    import lxml.html  # noqa: PLC0415

    try:
        doc = lxml.html.document_fromstring(html)
    except Exception:  # lxml raises ParserError/ValueError on junk; treat as no text
        return "", None
    for bad in doc.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    title_el = doc.find(".//title")
    title = title_el.text_content().strip() if title_el is not None else None
    body = doc.body if doc.find("body") is not None else doc
    text = re.sub(r"[ \t]+", " ", body.text_content())
    text = re.sub(r"\n\s*\n+", "\n\n", text).strip()
    return text, title or None


def _read_html(html: str, source: str) -> Article:
    import trafilatura  # noqa: PLC0415 - 0.3 s import, only for HTML input

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, favor_recall=True
    )
    text = getattr(doc, "text", None) if doc is not None else None
    title = getattr(doc, "title", None) if doc is not None else None
    date = getattr(doc, "date", None) if doc is not None else None
    lang = getattr(doc, "language", None) if doc is not None else None
    url = getattr(doc, "url", None) if doc is not None else None
    if not text or not text.strip():
        text, fallback_title = _strip_html(html)
        title = title or fallback_title
    if not text or not text.strip():
        raise ArticleError("HTML page has no readable text")
    return article_from_text(text, source, title=title, date=date, language=lang, url=url)


def _parse(data: bytes, name: str, source: str) -> tuple[list[Article], list[Rejected], int]:
    """Articles and rejected records of one file's bytes, and how many bytes decoding replaced."""
    ext = Path(name).suffix.lower()
    if not data or not data.strip():
        raise ArticleError("empty file")
    kind = _binary_kind(data)
    if kind:
        raise ArticleError(f"binary file ({kind}), not text")
    if ext not in SUPPORTED_EXTENSIONS:
        raise ArticleError(
            f"unsupported file type '{ext}' (expected .txt, .html, .htm, .json, .jsonl or .csv)"
        )
    limit = MAX_COLLECTION_BYTES if ext in JSON_EXT | JSONL_EXT | CSV_EXT else MAX_ARTICLE_BYTES
    if len(data) > limit:
        raise ArticleError(f"file too large ({len(data) / 1048576:.1f} MB; limit {limit // 1048576} MB)")
    text, replaced = decode_counted(data)
    if not text.strip():
        raise ArticleError("empty file")
    if ext in HTML_EXT:
        return [_read_html(text, source)], [], replaced
    if ext in JSON_EXT:
        return (*_read_json(text, source), replaced)
    if ext in JSONL_EXT:
        return (*_read_jsonl(text, source), replaced)
    if ext in CSV_EXT:
        return (*_read_csv(text, source), replaced)
    return [article_from_text(text, source)], [], replaced


def _check_result(arts: list[Article], rej: list[Rejected]) -> list[Article]:
    if not arts:
        reasons = sorted({r.reason for r in rej})
        raise ArticleError("no readable article: " + "; ".join(reasons[:3]) if reasons else "no articles")
    return arts


def read_file_detailed(path: str | Path) -> tuple[list[Article], list[Rejected]]:
    """Articles of one file plus rejected records inside it (a JSON array with one record lacking text).

    Raises ArticleError when the file as a whole is unreadable.
    """
    arts, rej, _replaced = _read_file(path)
    return arts, rej


def _read_file(path: str | Path) -> tuple[list[Article], list[Rejected], int]:
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise ArticleError(f"cannot read: {exc.strerror or exc}") from exc
    if not p.is_file():
        raise ArticleError("not a regular file")
    ext = p.suffix.lower()
    limit = MAX_COLLECTION_BYTES if ext in JSON_EXT | JSONL_EXT | CSV_EXT else MAX_ARTICLE_BYTES
    if size == 0:
        raise ArticleError("empty file")
    if size > limit:
        raise ArticleError(f"file too large ({size / 1048576:.1f} MB; limit {limit // 1048576} MB)")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ArticleError(f"cannot read: {exc.strerror or exc}") from exc
    return _parse(data, p.name, str(path))


def read_file(path: str | Path) -> list[Article]:
    """All articles in one file. Raises ArticleError(reason) for a bad file (or one with no good record)."""
    return _check_result(*read_file_detailed(path))


def read_upload(name: str, data: bytes) -> list[Article]:
    """Articles from uploaded bytes (the dashboard's file uploader); same rules as `read_file`."""
    ext = Path(name).suffix.lower()
    limit = MAX_COLLECTION_BYTES if ext in JSON_EXT | JSONL_EXT | CSV_EXT else MAX_ARTICLE_BYTES
    if len(data) > limit:
        raise ArticleError(f"file too large ({len(data) / 1048576:.1f} MB; limit {limit // 1048576} MB)")
    arts, rej, _replaced = _parse(data, name, name)
    return _check_result(arts, rej)


def _walk(folder: Path) -> Iterator[Path]:
    """Files under a folder, recursively, sorted by name; hidden files and folders are skipped."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if not f.startswith("."):
                yield Path(root) / f


def replaced_bytes_warning(replaced: int) -> str:
    """The user's words for a file read as UTF-8 with some bytes replaced."""
    s = "" if replaced == 1 else "s"
    return f"not entirely valid UTF-8: {replaced} byte{s} replaced with U+FFFD"


def read_paths(
    paths: Iterable[str | Path], *, on_warning: Callable[[str, str], None] | None = None
) -> Iterator[Article | Rejected]:
    """Articles from files and folders (recursively), in a deterministic order; never raises for bad input.

    Each unreadable file, or bad record inside a collection, is yielded as `Rejected(source, reason)`.
    `on_warning(source, message)` hears of a file that was read with a loss (invalid UTF-8 bytes replaced),
    before its articles are yielded.
    """
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files: Iterable[Path] = _walk(p)
        elif p.exists():
            files = [p]
        else:
            yield Rejected(str(raw), "no such file or folder")
            continue
        for f in files:
            try:
                arts, rej, replaced = _read_file(f)
            except ArticleError as exc:
                yield Rejected(str(f), exc.reason)
                continue
            except Exception as exc:  # a reader bug must not stop a folder ingest; report it per file
                yield Rejected(str(f), f"unreadable ({type(exc).__name__}: {exc})")
                continue
            if replaced and on_warning is not None:
                on_warning(str(f), replaced_bytes_warning(replaced))
            yield from arts
            yield from rej
