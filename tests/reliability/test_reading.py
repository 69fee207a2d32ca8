"""Issue 14, reading and extract: bad input never costs the batch, the JSON or the terminal.

Each test is a case a hostile new user ran: an article dated year 1 with "on Thursday", a UTF-8 file
with one broken byte, dates outside the one year range, escape sequences and invalid UTF-8 in file names.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from pathlib import Path

import pytest

from geo.cli import main
from geo.cli.terminal import printable
from geo.model import MAX_YEAR, MIN_YEAR
from geo.parse.articles import Article, decode_bytes, read_paths
from geo.parse.dates import article_date, find_dates, parse_date_string, parse_marker

GOOD_A = "KABUL, Afghanistan\nTaliban fighters captured Ghazni on Monday, officials said.\n"
GOOD_C = "Fighting was reported in Aleppo on Friday, residents said.\n"
YEAR_ONE = " date 0001-01-01\nTaliban fighters captured Ghazni on Thursday.\n"
YEAR_ONE_MONTH = " date 0001-05\nTaliban fighters captured Ghazni on Thursday.\n"
ESC_NAME = "a\x1b[31mred.txt"


def _batch(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "a.txt").write_text(GOOD_A, encoding="utf-8")
    (folder / "b1.txt").write_text(YEAR_ONE, encoding="utf-8")
    (folder / "b2.txt").write_text(YEAR_ONE_MONTH, encoding="utf-8")
    (folder / "c.txt").write_text(GOOD_C, encoding="utf-8")


def _crash_on_boom(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parser bug that hits one article only (its text says BOOM), with a two-line message."""
    import geo.parse.pipeline as pipeline

    real = pipeline.parse_article

    def parse_article(article: Article):  # noqa: ANN202 - same signature as the real one
        if "BOOM" in article.text:
            raise RuntimeError("parser bug\nsecond line")
        return real(article)

    monkeypatch.setattr(pipeline, "parse_article", parse_article)


# --- 1. one bad article never stops the batch -----------------------------------------------------------


@pytest.mark.requires_gazetteer
def test_extract_year_one_articles_in_the_middle_keep_every_article_and_a_whole_json_array(tmp_path, capsys):
    _batch(tmp_path)
    assert main(["extract", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert [Path(a["source"]).name for a in data] == ["a.txt", "b1.txt", "b2.txt", "c.txt"]
    assert "Traceback" not in captured.err
    by_name = {Path(a["source"]).name: a for a in data}
    assert by_name["b1.txt"]["date"] is None and by_name["b2.txt"]["date"] is None  # year 1 is no date


@pytest.mark.requires_gazetteer
def test_extract_parser_failure_on_one_article_is_one_stderr_line_and_the_rest_is_printed(
    tmp_path, capsys, monkeypatch
):
    _batch(tmp_path)
    (tmp_path / "b1.txt").write_text("BOOM in Herat.\n", encoding="utf-8")
    _crash_on_boom(monkeypatch)
    assert main(["extract", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert [Path(a["source"]).name for a in json.loads(captured.out)] == ["a.txt", "b2.txt", "c.txt"]
    err = [line for line in captured.err.splitlines() if line.strip()]
    assert len(err) == 1 and "b1.txt" in err[0] and "RuntimeError" in err[0]


@pytest.mark.requires_gazetteer
def test_ingest_stores_year_one_articles_and_a_parser_failure_is_one_line(tmp_path, capsys, monkeypatch):
    _batch(tmp_path / "in")
    (tmp_path / "in" / "d.txt").write_text("BOOM in Herat.\n", encoding="utf-8")
    _crash_on_boom(monkeypatch)
    db = tmp_path / "store.sqlite"
    assert main(["ingest", str(tmp_path / "in"), "--db", str(db), "--quiet"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("4 new, 0 unchanged, 1 rejected")
    assert len(out) == 2 and "d.txt" in out[1] and "parser bug\\nsecond line" in out[1]


# --- 2. a UTF-8 file with one broken byte stays UTF-8 -----------------------------------------------------

ACCENTED = "Kämpfe bei Mazār-i-Sharīf und in Köln; die Lage in Qalʿa-i-Naw bleibt unklar. " * 3


def test_utf8_with_one_invalid_byte_keeps_every_accented_name_and_reports_the_count(tmp_path):
    f = tmp_path / "article.txt"
    data = ACCENTED.encode("utf-8")
    cut = data.index(b";")
    f.write_bytes(data[:cut] + b"\xff" + data[cut:])
    warnings: list[tuple[str, str]] = []
    items = list(read_paths([f], on_warning=lambda src, msg: warnings.append((src, msg))))
    assert len(items) == 1 and isinstance(items[0], Article)
    text = items[0].text
    assert text.count("Mazār-i-Sharīf") == 3 and text.count("Köln") == 3 and text.count("\ufffd") == 1
    assert warnings == [(str(f), "not entirely valid UTF-8: 1 byte replaced with U+FFFD")]


def test_real_cp1252_files_still_decode_as_cp1252():
    german = "Nach schweren Kämpfen übernahmen die Islamisten die Kontrolle über Gasni. " * 20
    assert decode_bytes(german.encode("cp1252")) == german
    one_accent = "x" * 3000 + " Köln " + "y" * 3000  # one invalid UTF-8 byte, no valid multi-byte char
    assert decode_bytes(one_accent.encode("cp1252")) == one_accent


def test_many_broken_bytes_are_not_utf8_with_replacement():
    # every accented letter broken, a few valid ones: a legacy file, not an accident in a UTF-8 file
    text = ("Köln " * 50).encode("cp1252") + "Mazār".encode()
    assert "\ufffd" not in decode_bytes(text)


@pytest.mark.requires_gazetteer
def test_extract_and_ingest_warn_on_stderr_about_replaced_bytes(tmp_path, capsys):
    f = tmp_path / "in" / "article.txt"
    f.parent.mkdir()
    data = ("Taliban fighters captured Ghazni. " + ACCENTED).encode("utf-8")
    f.write_bytes(data + b"\xe2\x82")  # truncated at the end: a cut-off copy
    assert main(["extract", str(f)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["source"] == str(f)
    assert captured.err.strip() == (
        f"conflictmap extract: warning: {f}: not entirely valid UTF-8: 2 bytes replaced with U+FFFD"
    )
    db = tmp_path / "store.sqlite"
    assert main(["ingest", str(f), "--db", str(db), "--quiet", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["warnings"] == [
        {"source": str(f), "warning": "not entirely valid UTF-8: 2 bytes replaced with U+FFFD"}
    ]
    assert "2 bytes replaced" in captured.err and str(f) in captured.err


# --- 3. one year range for every date source ----------------------------------------------------------


def test_year_range_constants():
    assert (MIN_YEAR, MAX_YEAR) == (1000, 2200)


@pytest.mark.parametrize("marker", [" date 0001-01-01", " date 0001-05", " date 9999-12-31", " date 0999-12"])
def test_marker_outside_the_year_range_is_no_date(marker):
    text = f"{marker}\nFighting in Herat on Thursday.\n"
    assert parse_marker(text) is None
    assert article_date(text) == (None, None)
    assert article_date(text, metadata="2021-08-12") == (dt.date(2021, 8, 12), "day")  # metadata then wins


@pytest.mark.parametrize("value", ["1 January 9999", "Jan 1, 0001", "January 5000", "Tue, 10 Aug 0021"])
def test_metadata_dates_outside_the_range_are_no_date_in_every_format(value):
    assert parse_date_string(value) is None


def test_range_bounds_are_inclusive():
    assert parse_date_string("1000-01-01") == (dt.date(1000, 1, 1), "day")
    assert parse_date_string("2200-12-31") == (dt.date(2200, 12, 31), "day")
    assert parse_marker(" date 2200-12\nx") == (dt.date(2200, 12, 1), "month", 13)


@pytest.mark.parametrize("base", [dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1000, 1, 2)])
def test_relative_dates_never_leave_the_range_or_overflow(base):
    text = "on Thursday, yesterday, last year, last month, three days ago, in May, last week"
    spans = find_dates(text, base=base)
    assert spans
    assert all(s.date is None or MIN_YEAR <= s.date.year <= MAX_YEAR for s in spans)


# --- 4. file names never reach the terminal raw --------------------------------------------------------


def test_printable_escapes_controls_and_keeps_unicode():
    assert printable("Mazār-i-Sharīf/Köln.txt") == "Mazār-i-Sharīf/Köln.txt"
    assert printable(ESC_NAME) == "a\\x1b[31mred.txt"
    assert printable("a\u202eb\x9bc\udcffd\ne") == "a\\u202eb\\x9bc\\udcffd\\ne"


@pytest.mark.requires_gazetteer
def test_extract_and_ingest_print_no_escape_sequence_from_a_file_name(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / ESC_NAME).write_bytes(b"")  # rejected: its name goes to stderr
    (tmp_path / "in" / "good.txt").write_text(GOOD_A, encoding="utf-8")
    assert main(["extract", str(tmp_path / "in")]) == 0
    captured = capsys.readouterr()
    assert "\x1b" not in captured.err and "a\\x1b[31mred.txt" in captured.err
    assert main(["ingest", str(tmp_path / "in"), "--db", str(tmp_path / "s.sqlite"), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err and "a\\x1b[31mred.txt" in captured.out


@pytest.mark.requires_gazetteer
def test_a_file_name_that_is_not_utf8_gives_valid_json(tmp_path, capsys):
    raw = os.path.join(os.fsencode(tmp_path), b"bad\xffname.txt")
    with open(raw, "wb") as fh:
        fh.write(GOOD_A.encode("utf-8"))
    assert main(["extract", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    out.encode("utf-8")  # no lone surrogate: the JSON can be written to a strict UTF-8 stdout
    assert json.loads(out)[0]["source"] == os.fsdecode(raw)


@pytest.mark.requires_gazetteer
def test_store_path_with_an_escape_is_escaped_in_the_summary_and_in_error_lines(tmp_path, capsys):
    db = tmp_path / "st\x1b[2Jore" / "store.sqlite"
    (tmp_path / "a.txt").write_text(GOOD_A, encoding="utf-8")
    assert main(["ingest", str(tmp_path / "a.txt"), "--db", str(db), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "st\\x1b[2Jore" in out
    bad = tmp_path / "not\x1b[2Ja folder"
    bad.write_text("x", encoding="utf-8")  # a file where the store's folder should be
    assert main(["ingest", str(tmp_path / "a.txt"), "--db", str(bad / "store.sqlite"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "not\\x1b[2Ja folder" in err


def test_gazetteer_progress_lines_are_escaped(capsys):
    from geo.cli.gazetteer import progress_handler

    logger = logging.getLogger("tests.reliability.progress")
    handler = progress_handler("gazetteer")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("reading %s", "/tmp/x\x1b]0;title\x07.tgz")
    finally:
        logger.removeHandler(handler)
    assert capsys.readouterr().err == "[gazetteer] reading /tmp/x\\x1b]0;title\\x07.tgz\n"
