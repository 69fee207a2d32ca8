"""The regex prefilter is an optimisation only: it finds exactly what the plain regex finds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.parse import actors, dates, events
from geo.parse.prefilter import DIGIT, Prefilter, Rule, literal_head

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

TRICKY = [
    "İstanbul: THE IS-Miliz und die Islamisten; Houthi-Rebellen fielen ihnen in die Hände. Kämpfe.",
    # Fraktur-era German: re's case folding matches a long s (ſ) where the pattern says s
    "Die Aufſtändiſchen ſtürmten die Stadt, ſie ſeized Herat; ſeit Tagen ſind ſie dort."
    " Am Dienſtag, ſeit Mai.",
    "ıslamic State fighters; THIS IS WAR; pro-IS Talibans; al-Qaida-Kämpfer; U.S. forces, US-Truppen.",
    "On Tuesday, 3 days ago, since March 2014, vor zwei Tagen, im vergangenen Sommer, 12.08.2021, ١٢ May.",
]


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] + TRICKY


@pytest.mark.parametrize(
    "prefilter",
    [
        lambda: actors.tables()[0],
        lambda: actors.tables()[1],
        lambda: events.tables().trigger_re,
        lambda: dates.tables().rel,
    ],  # fmt: skip
    ids=["actor names", "actor references", "event triggers", "relative dates"],
)
def test_prefilter_matches_exactly_what_the_plain_regex_matches(prefilter) -> None:
    fast: Prefilter = prefilter()
    plain = re.compile(fast.pattern, re.IGNORECASE)
    for text in _texts():
        expected = [(m.span(), m.lastgroup) for m in plain.finditer(text)]
        assert [(m.span(), fast.name(m)) for m in fast.finditer(text)] == expected


def test_long_s_matches_like_s() -> None:
    fast = Prefilter([Rule("seit", r"seit\s+\w+", ("seit",)), Rule("storm", r"stürmten", ("stür",))])
    text = "ſeit Tagen ſtürmten sie; Seit Mai"
    assert [m.group(0) for m in fast.finditer(text)] == ["ſeit Tagen", "ſtürmten", "Seit Mai"]
    assert [m.group(0) for m in re.finditer(fast.pattern, text, re.I)] == [
        "ſeit Tagen",
        "ſtürmten",
        "Seit Mai",
    ]


def test_digit_prefix_and_rule_order() -> None:
    fast = Prefilter([Rule("year", r"\d{4}", (DIGIT,)), Rule("num", r"\d+", (DIGIT,))], hyphen_joins=False)
    assert [(m.group(0), fast.name(m)) for m in fast.finditer("in 2014 and 12")] == [
        ("2014", "year"),
        ("12", "num"),
    ]


def test_literal_head_reads_plain_letters_and_refuses_what_it_cannot() -> None:
    assert literal_head("Houthis?") == "houthi"
    assert literal_head("Jama'?at Nasr?") == "jama"
    assert literal_head("Tuareg(?:-led)?") == "tuareg"
    for pattern in ("(?:a|b)c", "[Aa]rmy", "army|troops", "(?<=in )hands"):
        with pytest.raises(ValueError):
            literal_head(pattern)
