"""Read the gold geoparsing corpora of ../shared/benchmarks (JSON Lines, one article per line)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from eval.scoring import Span

# Literal vs associative toponym classes of GeoWebNews (grouping of the corpus's own dataset.py).
GWN_LITERAL = frozenset({"Literal", "Mixed", "Coercion", "Embedded_Literal", "Literal_Modifier"})


@dataclass(slots=True)
class GoldArticle:
    id: str
    corpus: str
    language: str
    text: str
    toponyms: list[Span]
    types: list[str | None]


def benchmarks_dir() -> Path:
    """`$CONFLICTMAP_BENCHMARKS`, else ../shared/benchmarks next to the repository."""
    env = os.environ.get("CONFLICTMAP_BENCHMARKS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks"


def corpus_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.jsonl")) if folder.is_dir() else []


def read_corpus(path: Path, limit: int | None = None) -> Iterator[GoldArticle]:
    with path.open(encoding="utf-8") as fh:
        for k, line in enumerate(fh):
            if limit is not None and k >= limit:
                break
            rec = json.loads(line)
            tops = rec.get("toponyms") or []
            yield GoldArticle(
                id=rec["id"],
                corpus=rec.get("corpus") or path.stem,
                language=rec.get("language") or "en",
                text=rec["text"],
                toponyms=[Span(t["start"], t["end"], t.get("lat"), t.get("lon")) for t in tops],
                types=[t.get("type") for t in tops],
            )
