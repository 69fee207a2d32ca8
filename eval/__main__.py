"""`make eval`: accuracy of conflictmap's geoparser on human-annotated corpora, next to the peer geotext.

For each corpus in ../shared/benchmarks/*.jsonl (see its README) both systems geoparse every text and
are scored with the protocol of Gritta et al. (2020): recognition P/R/F1 with exact span match (overlap
match beside it; and against gold with coordinates only, as published tables count), resolution as
accuracy within 161 km and median error over the exactly matched toponyms, plus accuracy over *all* gold
toponyms with coordinates (unrecognised = wrong) so that recall is not hidden. Then the seed facts of
issue 3 are checked. Options: --limit N (articles per corpus), --corpus NAME (repeatable), --no-peer.

The events development set (../shared/benchmarks/events_dev, scored by eval.events as its README says) gets
its own table: captured-event P/R/F1, article dates, mention recall and persons tagged as places, by
language. `python -m eval events` prints only that table; `--verbose` adds the errors of every article;
`--pred FILE` scores a saved `conflictmap extract --format json` output instead of running the pipeline.
"""

from __future__ import annotations

import argparse
import math
import sys
import time

from eval.corpora import GWN_LITERAL, benchmarks_dir, corpus_files, read_corpus
from eval.scoring import CorpusScore, Counts, Span, match_exact


def _ours(text: str, language: str) -> list[Span]:
    from geo.model import Article
    from geo.parse.resolve import resolve_mentions
    from geo.parse.toponyms import find_mentions

    art = Article(text=text, source="eval", content_hash="", language=language)
    mentions = resolve_mentions(art, find_mentions(art))
    return [
        Span(m.start, m.end, m.place.latitude, m.place.longitude)
        for m in sorted(mentions, key=lambda m: m.start)
        if m.place is not None
    ]


def _oracle(text: str, language: str, gold: list[Span]) -> list[Span]:
    """Resolution alone: the gold spans are given to the resolver as mentions (with gazetteer candidates).

    A gold span the gazetteer cannot look up, or that the resolver does not accept, gets no coordinates
    and counts as a resolution error.
    """
    from geo.model import Article, Candidate, Mention
    from geo.parse.resolve import resolve_mentions
    from geo.parse.toponyms import _lookup_cached

    art = Article(text=text, source="eval", content_hash="", language=language)
    mentions = [
        Mention(
            g.start,
            g.end,
            text[g.start : g.end],
            [Candidate(c.place, c.score) for c in _lookup_cached(" ".join(text[g.start : g.end].split()))],
        )
        for g in gold
    ]
    resolved = resolve_mentions(art, [m for m in mentions if m.candidates])
    by_span = {(m.start, m.end): m for m in resolved if m.place is not None}
    out = []
    for g in gold:
        m = by_span.get((g.start, g.end))
        out.append(Span(g.start, g.end, m.place.latitude if m else None, m.place.longitude if m else None))
    return out


def _fmt(x: float, pct: bool = True) -> str:
    if isinstance(x, float) and math.isnan(x):
        return "-"
    return f"{x:.3f}" if pct else f"{x:,.0f}"


HEADER = (
    "corpus",
    "system",
    "docs",
    "gold",
    "pred",
    "P",
    "R",
    "F1",
    "F1ovl",
    "F1crd",
    "A@161",
    "med km",
    "A@161all",
    "AUC",
    "sec",
)


def _row(corpus: str, system: str, s: CorpusScore, secs: float) -> tuple[str, ...]:
    e = s.errors
    recognition = (
        corpus,
        system,
        str(s.articles),
        str(s.exact.gold),
        str(s.exact.predicted),
        _fmt(s.exact.precision),
        _fmt(s.exact.recall),
        _fmt(s.exact.f1),
        _fmt(s.overlap.f1),
    )
    if not s.exact_coords.gold:  # no gold coordinates (the German sets): resolution is not scored
        return (*recognition, "-", "-", "-", "-", "-", f"{secs:.1f}")
    return (
        *recognition,
        _fmt(s.exact_coords.f1),
        _fmt(e.accuracy()),
        _fmt(e.median, pct=False) if e.n else "-",
        _fmt(e.accuracy_all()),
        _fmt(e.auc),
        f"{secs:.1f}",
    )


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, r in enumerate(rows):
        lines.append(
            "  ".join(
                c.rjust(w) if i > 1 else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval", description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="score only the first N articles of each corpus")
    ap.add_argument("--corpus", action="append", default=[], help="corpus name (file stem); repeatable")
    ap.add_argument("--no-peer", action="store_true", help="skip the geotext baseline")
    ap.add_argument("--no-seeds", action="store_true", help="skip the seed checks")
    ap.add_argument(
        "section",
        nargs="?",
        choices=("all", "corpora", "events"),
        default="all",
        help="what to score: everything (default), the toponym corpora only, or the events set only",
    )
    ap.add_argument("--verbose", action="store_true", help="events set: list every article's errors")
    ap.add_argument("--pred", default=None, help="events set: score this extract JSON file instead")
    args = ap.parse_args(argv)
    if args.section in ("all", "corpora"):
        _corpora(args)
    if args.section in ("all", "events"):
        _events(args)
    if args.section == "all" and not args.no_seeds:
        _seeds()
    return 0


def _events(args: argparse.Namespace) -> None:
    import json
    from pathlib import Path

    from eval import events as ev

    folder = ev.events_dir()
    if not (folder / "gold.json").is_file():
        print(f"\neval: no events set in {folder}: events scores skipped")
        return
    gold = ev.load_gold(folder)
    if args.pred:
        preds = ev.index_by_name(json.loads(Path(args.pred).read_text(encoding="utf-8")))
    else:
        preds = ev.run_pipeline(folder)
    results = ev.score_set(gold, preds)
    print()
    print(_table(ev.table_rows(ev.by_language(results))))
    print(ev.LEGEND)
    if args.verbose:
        print()
        print(ev.error_report(results, gold.actors))


def _corpora(args: argparse.Namespace) -> None:
    folder = benchmarks_dir()
    files = corpus_files(folder)
    if args.corpus:
        files = [f for f in files if f.stem in set(args.corpus)]
    rows: list[tuple[str, ...]] = [HEADER]
    notes: list[str] = []
    if not files:
        print(f"eval: no benchmark corpora in {folder} (folder missing or empty): corpus scores skipped")
    from geo.parse.toponyms import name_index

    name_index()  # build/load once, outside the timings
    for path in files:
        ours, peer, oracle = CorpusScore(), CorpusScore(), CorpusScore()
        t_oracle = 0.0
        t_ours = t_peer = 0.0
        literal = Counts()
        for art in read_corpus(path, args.limit):
            t0 = time.perf_counter()
            pred = _ours(art.text, art.language)
            t_ours += time.perf_counter() - t0
            ours.add_article(art.toponyms, pred)
            if any(g.lat is not None for g in art.toponyms):
                t0 = time.perf_counter()
                oracle.add_article(art.toponyms, _oracle(art.text, art.language, art.toponyms))
                t_oracle += time.perf_counter() - t0
            if art.corpus == "geowebnews":
                lit = [g for g, t in zip(art.toponyms, art.types, strict=True) if t in GWN_LITERAL]
                literal.add(len(match_exact(lit, pred)), 0, len(lit))
            if not args.no_peer:
                from eval.peer import geotext_spans

                t0 = time.perf_counter()
                ppred = geotext_spans(art.text)
                t_peer += time.perf_counter() - t0
                peer.add_article(art.toponyms, ppred)
        rows.append(_row(path.stem, "conflictmap", ours, t_ours))
        if oracle.articles:
            rows.append(_row(path.stem, "  gold spans", oracle, t_oracle))
        if not args.no_peer:
            rows.append(_row(path.stem, "geotext", peer, t_peer))
        if literal.gold:
            notes.append(
                f"geowebnews literal-group recall (conflictmap): {literal.recall:.3f} of {literal.gold}"
            )
        print(f"eval: {path.stem} done", file=sys.stderr, flush=True)
    if len(rows) > 1:
        print(_table(rows))
        print(
            "P/R/F1: exact span match; F1ovl: overlap match; F1crd: exact F1 against gold with\n"
            "coordinates only; A@161 and med km over exactly matched gold with coordinates; A@161all over\n"
            "all gold with coordinates (unrecognised = wrong); AUC of ln(error+1) (0 is perfect).\n"
            "German sets have no coordinates. 'gold spans': the resolver alone, given the gold mentions\n"
            "(its P/R/F1 are trivially ~1 and not a recognition score)."
        )
        for n in notes:
            print(n)


def _seeds() -> None:
    from eval.seeds import check_seeds

    checks = check_seeds()
    print("\nseed facts (issue 3 acceptance)")
    width = max(len(c[0]) for c in checks)
    for label, ok, detail in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {label.ljust(width)}  {detail}")
    print(f"  {sum(ok for _, ok, _ in checks)}/{len(checks)} seed checks passed")


if __name__ == "__main__":
    sys.exit(main())
