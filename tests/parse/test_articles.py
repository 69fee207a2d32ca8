"""Reading articles: formats, encodings, dates, languages, and a clear reason for every bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from geo.model import Article
from geo.parse.articles import (
    MAX_ARTICLE_BYTES,
    ArticleError,
    Rejected,
    article_from_text,
    read_file,
    read_paths,
    read_upload,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _seed(n: int) -> Article:
    (path,) = sorted(SEEDS.glob(f"{n:03d}_*.txt"))
    (art,) = read_file(path)
    return art


@pytest.mark.parametrize(
    ("n", "date", "precision", "language"),
    [
        (0, dt.date(2021, 8, 10), "day", "en"),
        (1, dt.date(2020, 12, 1), "day", "en"),
        (2, None, None, "en"),
        (3, None, None, "de"),
        (4, dt.date(2018, 7, 1), "month", "de"),
    ],
)
def test_seed_dates_and_languages(n: int, date: dt.date | None, precision: str | None, language: str) -> None:
    art = _seed(n)
    assert (art.date, art.date_precision, art.language) == (date, precision, language)


def test_txt_text_is_the_whole_file_marker_included() -> None:
    (path,) = sorted(SEEDS.glob("000_*.txt"))
    art = read_file(path)[0]
    assert art.text == path.read_text(encoding="utf-8")
    assert art.text.startswith(" date 2021-08-10 Washington (AP)")
    start = art.text.index("Washington")
    assert art.text[start : start + 10] == "Washington"


def test_month_marker_never_gets_a_made_up_day() -> None:
    art = article_from_text(" date 2018-07\nDie Taliban griffen an.", "x.txt")
    assert (art.date, art.date_precision) == (dt.date(2018, 7, 1), "month")


def test_content_hash_is_stable_across_encodings_and_rereads(tmp_path: Path) -> None:
    text = "Die Kämpfe um Mossul: Übergabe an die irakische Armee."
    (tmp_path / "a.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "b.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "c.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    arts = [read_file(tmp_path / f)[0] for f in ("a.txt", "b.txt", "c.txt")]
    assert {a.text for a in arts} == {text}  # BOM dropped, cp1252 umlauts decoded
    assert len({a.content_hash for a in arts}) == 1
    assert read_file(tmp_path / "a.txt")[0].content_hash == arts[0].content_hash


def test_title_guessed_for_plain_text_headline() -> None:
    assert _seed(1).title == "NATO: Heiko Maas hopes for US support in Afghanistan"
    assert _seed(3).title == "US-geführte Anti-IS-Koalition beendet ihre Mission im Irak"
    assert _seed(2).title is None  # first line is a sentence, not a headline


def test_html_main_text_title_and_dateline_without_scripts(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Rebels seize town</title><script>document.write('EVIL')</script></head>"
        "<body><nav>Home | World</nav><article><h1>Rebels seize town</h1>"
        "<p>ALEPPO, Syria, March 3, 2016 - Rebels seized the town of Azaz on Tuesday after heavy fighting "
        "with government forces, residents said.</p><p>The army withdrew to positions south of the town, "
        "according to a monitoring group.</p></article><script>var x='EVIL';</script></body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    (art,) = read_file(tmp_path / "page.html")
    assert art.title == "Rebels seize town"
    assert "Rebels seized the town of Azaz" in art.text
    assert "EVIL" not in art.text and "document.write" not in art.text
    assert (art.date, art.date_precision, art.language) == (dt.date(2016, 3, 3), "day", "en")


def test_html_metadata_date_and_undated_html() -> None:
    meta = (
        '<html><head><meta property="article:published_time" content="2023-11-14T08:00:00Z">'
        "<title>Gao</title></head><body><article><p>Die Armee räumte Gao am Montag nach schweren "
        "Kämpfen mit Dschihadisten des "
        "JNIM, berichteten Bewohner der Stadt.</p></article></body></html>"
    )
    (art,) = read_upload("gao.htm", meta.encode("utf-8"))
    assert (art.date, art.date_precision, art.language) == (dt.date(2023, 11, 14), "day", "de")
    undated = meta.replace('<meta property="article:published_time" content="2023-11-14T08:00:00Z">', "")
    (art,) = read_upload("gao.html", undated.encode("utf-8"))
    assert (art.date, art.date_precision) == (None, None)


def test_json_object_array_jsonl_and_csv_records(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(
        json.dumps(
            {
                "text": "Houthi fighters attacked Marib.",
                "date": "2021-02-10",
                "title": "Marib",
                "url": "https://example.org/a",
                "language": "en",
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "many.json").write_text(
        json.dumps(
            [{"text": "RSF fighters took control of El Fasher.", "date": "2024-10"}, {"title": "no text"}]
        ),
        encoding="utf-8",
    )
    (tmp_path / "lines.jsonl").write_text(
        '{"text": "Die Armee eroberte Cherson zurück.", "date": "11.11.2022"}\n\n{broken\n', encoding="utf-8"
    )
    (tmp_path / "table.csv").write_text(
        'text,date,title,url,language\n"Russian forces withdrew from Kherson, officials said.",2022-11-11,'
        "Kherson,https://example.org/k,en\n,,empty row,,\n",
        encoding="utf-8",
    )
    items = list(read_paths([tmp_path]))
    arts = [i for i in items if isinstance(i, Article)]
    rejected = {r.source.rsplit("/", 1)[-1]: r.reason for r in items if isinstance(r, Rejected)}
    by_src = {a.source.rsplit("/", 1)[-1]: a for a in arts}
    assert by_src["one.json"].url == "https://example.org/a"
    assert (by_src["one.json"].date, by_src["one.json"].title) == (dt.date(2021, 2, 10), "Marib")
    assert (by_src["many.json#1"].date, by_src["many.json#1"].date_precision) == (
        dt.date(2024, 10, 1),
        "month",
    )
    assert by_src["lines.jsonl#1"].date == dt.date(2022, 11, 11)
    assert by_src["lines.jsonl#1"].language == "de"
    assert by_src["table.csv#1"].title == "Kherson"
    assert "no text" in rejected["many.json#2"]
    assert "invalid JSON" in rejected["lines.jsonl#3"]
    assert "no text" in rejected["table.csv#2"]


def test_bad_files_are_rejected_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (tmp_path / "bad.json").write_text('{"text": "abc",', encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04" + bytes(32))
    with open(tmp_path / "huge.txt", "wb") as fh:  # 20 MB: rejected from its size, never read whole
        fh.write(b"x" * (20 * 1024 * 1024))
    (tmp_path / "good.txt").write_text(
        "Kabul, 13. August 2021 (dpa) - Die Taliban rückten vor.", encoding="utf-8"
    )
    (tmp_path / ".hidden.txt").write_text("ignored", encoding="utf-8")
    items = list(read_paths([tmp_path, tmp_path / "missing.txt"]))
    reasons = {Path(r.source).name: r.reason for r in items if isinstance(r, Rejected)}
    good = [i for i in items if isinstance(i, Article)]
    assert [Path(a.source).name for a in good] == ["good.txt"]
    assert good[0].date == dt.date(2021, 8, 13)
    assert reasons["empty.txt"] == "empty file" and reasons["blank.txt"] == "empty file"
    assert "PNG" in reasons["image.png"] and "binary" in reasons["image.png"]
    assert "invalid JSON" in reasons["bad.json"]
    assert "binary" in reasons["notes.docx"]
    assert "too large" in reasons["huge.txt"] and "limit 5 MB" in reasons["huge.txt"]
    assert "no such file" in reasons["missing.txt"]
    assert ".hidden.txt" not in reasons


def test_folder_order_is_deterministic_and_recursive(tmp_path: Path) -> None:
    for rel in ("b/2.txt", "a/z.txt", "a/sub/1.txt", "c.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"Article {rel} about fighting.", encoding="utf-8")
    names = [Path(a.source).relative_to(tmp_path).as_posix() for a in read_paths([tmp_path])]
    assert names == ["c.txt", "a/z.txt", "a/sub/1.txt", "b/2.txt"]


def test_read_file_raises_and_upload_follows_the_same_rules() -> None:
    with pytest.raises(ArticleError, match="binary"):
        read_upload("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(20))
    with pytest.raises(ArticleError, match="too large"):
        read_upload("big.txt", b"a" * (MAX_ARTICLE_BYTES + 1))
    with pytest.raises(ArticleError, match="no readable article"):
        read_upload("x.json", b'[{"title": "t"}]')
    (art,) = read_upload("note.txt", "Gestern fiel Donezk an die Separatisten.".encode("cp1252"))
    assert art.language == "de" and art.source == "note.txt"


def test_pasted_text_and_other_languages_are_labelled() -> None:
    art = article_from_text(
        "Les forces gouvernementales ont repris le contrôle de la ville de Gao hier soir."
    )
    assert art.source == "<pasted>" and art.language == "fr"
    with pytest.raises(ArticleError, match="empty"):
        article_from_text("   ")


def test_legacy_codepages_western_and_cyrillic() -> None:
    (de,) = read_upload("kurz.txt", "Größe der Stadt: „groß“ – 5 €".encode("cp1252"))
    assert de.text == "Größe der Stadt: „groß“ – 5 €"
    text = "Российские войска отступили из Херсона, сообщили официальные лица в пятницу."
    (ru,) = read_upload("ru.txt", text.encode("cp1251"))
    assert ru.text == text and ru.language == "ru"
