"""Where extraction spends its CPU time: the sub-steps of the geoparsing pipeline, per article.

`bench_extract` gives the throughput target; this module breaks the same work down so that the next
speed-up starts from a measurement rather than a guess. Each sub-step is timed on its own (CPU time,
best of three passes, so that other work on a shared machine inflates it less) over 300 generated
articles: tokenising, person-name cues, the whole mention scan, resolution, sentence splitting, the
trigger scan, actor phrases, a date scan over the whole text, and event extraction.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable

from bench.figures import Figure

N_ARTICLES = 300
PASSES = 3


def _best_ms(step: Callable[[object], object], items: list) -> float:
    best = float("inf")
    for _ in range(PASSES):
        t = time.process_time()
        for x in items:
            step(x)
        best = min(best, time.process_time() - t)
    return 1000 * best / len(items)


def run() -> list[Figure]:
    from bench.corpus import generate_texts
    from geo.parse import actors, dates, events, toponyms
    from geo.parse.articles import article_from_text
    from geo.parse.pipeline import parse_article
    from geo.parse.resolve import resolve_mentions

    texts = generate_texts(N_ARTICLES, seed=7)
    arts = [article_from_text(g.text, source=f"bench/{k:05d}.txt") for k, g in enumerate(texts)]
    for a in arts[:20]:  # warm-up: index, word lists, first-name list, per-name lookups
        parse_article(a)
    index = toponyms.name_index()
    toks = {id(a): toponyms.tokenize(a.text) for a in arts}
    found = {id(a): toponyms.find_mentions(a) for a in arts}
    resolved = {id(a): resolve_mentions(a, toponyms.find_mentions(a)) for a in arts}

    steps: list[tuple[str, Callable[[object], object]]] = [
        ("read: article_from_text", lambda a: article_from_text(a.text, source=a.source)),
        ("mentions: tokenize", lambda a: toponyms.tokenize(a.text)),
        ("mentions: person cues", lambda a: toponyms._person_tokens(a.text, toks[id(a)], index)),
        ("mentions: find_mentions (all)", toponyms.find_mentions),
        # on shallow copies: resolution rewrites each mention's candidates and place
        ("resolve: resolve_mentions", lambda a: resolve_mentions(a, [copy.copy(m) for m in found[id(a)]])),
        ("events: split_sentences", lambda a: events.split_sentences(a.text)),
        ("events: trigger scan", lambda a: list(events.tables().trigger_re.finditer(a.text))),
        ("events: actor phrases (named)", lambda a: actors.ActorContext(a.text)),
        ("events: dates over whole text", lambda a: dates.find_dates(a.text, base=a.date)),
        ("events: extract_events (all)", lambda a: events.extract_events(a, resolved[id(a)])),
    ]
    return [Figure(f"CPU per article: {name}", _best_ms(fn, arts), "ms") for name, fn in steps]


if __name__ == "__main__":
    from bench.figures import format_table

    print(format_table(run()))
