"""`conflictmap annotations export|import` round-trips analysts' work between real SQLite stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.cli import main

pytestmark = pytest.mark.requires_gazetteer

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "seed_annotations.json"


def test_import_then_export_round_trips_and_is_idempotent(tmp_path, capsys):
    db = tmp_path / "store.sqlite"
    assert main(["annotations", "import", str(SAMPLE), "--db", str(db)]) == 0
    assert "2 new annotations imported" in capsys.readouterr().err
    assert main(["annotations", "import", str(SAMPLE), "--db", str(db)]) == 0
    assert "0 new annotations imported, 2 already present" in capsys.readouterr().err

    out = tmp_path / "exported.json"
    assert main(["annotations", "export", "--out", str(out), "--db", str(db)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    original = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert [r["uid"] for r in exported] == [r["uid"] for r in original]
    assert exported[0]["action"] == "set_date" and exported[0]["payload"]["date"] == "2021-08-12"


def test_bad_files_get_one_line_and_exit_2(tmp_path, capsys):
    db = tmp_path / "store.sqlite"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert main(["annotations", "import", str(broken), "--db", str(db)]) == 2
    assert "not valid JSON" in capsys.readouterr().err

    not_a_list = tmp_path / "object.json"
    not_a_list.write_text('{"uid": 1}', encoding="utf-8")
    assert main(["annotations", "import", str(not_a_list), "--db", str(db)]) == 2
    assert "JSON array" in capsys.readouterr().err

    bad_row = tmp_path / "bad_row.json"
    bad_row.write_text('[{"uid": "x", "target_type": "planet"}]', encoding="utf-8")
    assert main(["annotations", "import", str(bad_row), "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "annotation 0" in err

    nowhere = tmp_path / "no" / "dir" / "x.json"
    assert main(["annotations", "export", "--out", str(nowhere), "--db", str(db)]) == 2
    assert "cannot write" in capsys.readouterr().err
