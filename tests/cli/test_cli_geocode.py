"""`conflictmap geocode`: the JSON machine interface, table output, exit codes, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geo.cli import main

pytestmark = pytest.mark.requires_gazetteer

KEYS = ["query", "name", "lat", "lon", "country_code", "admin1", "geonameid", "feature_code", "population",
        "score"]  # fmt: skip


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["geocode", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_array_in_order_with_exact_keys(capsys) -> None:
    code, out, err = run(capsys, "Herat", "Kala-e Nau", "Irak", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert [list(d) for d in data] == [KEYS] * 3
    assert [d["query"] for d in data] == ["Herat", "Kala-e Nau", "Irak"]
    herat, qala, iraq = data
    assert herat["country_code"] == "AF" and herat["feature_code"] == "PPLA" and herat["score"] == 1.0
    assert qala["name"] == "Qala i Naw" and qala["admin1"] == "Badghis Province"
    assert iraq["feature_code"] == "PCLI" and iraq["admin1"] is None
    assert isinstance(herat["lat"], float) and isinstance(herat["geonameid"], int)


def test_unresolved_name_is_null_and_exit_1(capsys) -> None:
    code, out, _ = run(capsys, "Kabul", "xqzzyvvk", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data[0]["name"] == "Kabul" and data[1] is None


def test_country_option(capsys) -> None:
    code, out, _ = run(capsys, "Faizabad", "--country", "AF", "--format", "json")
    assert code == 0
    assert json.loads(out)[0]["admin1"] == "Badakhshan Province"


def test_table_format(capsys) -> None:
    code, out, _ = run(capsys, "Mossul", "xqzzyvvk", "--format", "table")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["query", "name", "lat"]
    assert "Mosul" in lines[1] and "IQ" in lines[1]
    assert "(unresolved)" in lines[2]


@pytest.mark.parametrize(
    "argv",
    [["   "], ["x" * 301], ["Ka\x07bul"], ["Kabul", "--country", "XX"]],
)
def test_bad_input_one_line_exit_2(capsys, argv) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_real_process_exit_codes_and_no_traceback() -> None:
    ok = subprocess.run([sys.executable, "-m", "geo.cli", "geocode", "Hawler", "--format", "json"],
                        capture_output=True, text=True, timeout=120)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)[0]["name"] == "Erbil"
    bad = subprocess.run([sys.executable, "-m", "geo.cli", "geocode", ""], capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert bad.returncode == 2 and bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr


def test_russia_continents_and_news_names(capsys) -> None:
    """Russia is in Siberia (not Canada), a continent is a continent (no country), Britain is the UK."""
    code, out, _ = run(capsys, "Russia", "Africa", "Britain", "--format", "json")
    assert code == 0
    russia, africa, britain = json.loads(out)
    assert russia["country_code"] == "RU" and 50 < russia["lat"] < 70 and 60 < russia["lon"] < 140
    assert africa["feature_code"] == "CONT" and africa["country_code"] is None
    assert -35 < africa["lat"] < 37 and -18 < africa["lon"] < 52
    assert britain["country_code"] == "GB" and britain["feature_code"] == "PCLI"


def test_table_shows_a_continent_without_country(capsys) -> None:
    code, out, err = run(capsys, "Africa", "Kabul", "--format", "table")
    assert code == 0 and err == ""
    africa = next(line for line in out.splitlines() if line.startswith("Africa"))
    assert "CONT" in africa and "AF" not in africa.split()
