"""`conflictmap extract PATH... --format json` as scripted: stdout JSON, stderr reasons, exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli import main

pytestmark = pytest.mark.requires_gazetteer

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_extract_folder_prints_one_object_per_article(capsys):
    assert main(["extract", str(SEEDS), "--format", "json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert len(data) == 5
    by_name = {Path(a["source"]).name[:3]: a for a in data}
    assert by_name["000"]["date"] == "2021-08-10"
    names = {m["name"] for a in data for m in a["mentions"]}
    assert {"Kabul", "Mosul", "Baghdad", "Erbil", "Islamabad", "Afghanistan"} <= names


def test_bad_files_are_reported_on_stderr_and_good_ones_printed(tmp_path, capsys):
    (tmp_path / "good.txt").write_text("Fighting was reported in Aleppo on Monday.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert main(["extract", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert [Path(a["source"]).name for a in data] == ["good.txt"]
    assert data[0]["mentions"][0]["name"] == "Aleppo"
    err_lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(err_lines) == 2
    assert any("empty.txt" in line for line in err_lines) and any("image.png" in line for line in err_lines)


def test_nothing_readable_exits_1_like_ingest(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["extract", str(tmp_path / "missing.txt"), str(tmp_path / "empty.txt")]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    assert "missing.txt" in captured.err


def test_console_entry_point_runs_without_traceback(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Die Armee zog sich aus Mossul zurück.", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "geo.cli", "extract", str(f), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    (article,) = json.loads(proc.stdout)
    assert article["language"] == "de"
    assert [m["name"] for m in article["mentions"]] == ["Mosul"]
