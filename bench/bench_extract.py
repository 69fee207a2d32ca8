"""Extraction speed: the full geoparsing pipeline on 2,000 generated ~4 KB English/German articles.

Measured on one core (the process is pinned to a single CPU where the OS allows it) in CPU time, so
that other work on a shared machine does not count against it (wall-clock throughput is printed
beside it), after a warm-up
that loads the gazetteer, the scan index and the word lists, because those are one-off costs that
`make bench` reports elsewhere (gazetteer cold load). Each article goes through what
`conflictmap extract` does after reading the file: decoding into an Article (language, date), place
mentions, resolution, events and the JSON object. The peer `geotext` runs on the same texts in the same
process; the ratio is conflictmap's throughput over geotext's.
"""

from __future__ import annotations

import os
import time

from bench.figures import Figure

N_ARTICLES = 2000
TARGET_PER_S = 100.0


def _pin_one_core() -> None:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError):  # not available on every OS: then the pipeline is still serial
        pass


def run() -> list[Figure]:
    _pin_one_core()
    from bench.corpus import generate_texts
    from geo.parse.articles import article_from_text
    from geo.parse.pipeline import parse_article, parsed_to_json

    t0 = time.perf_counter()
    texts = generate_texts(N_ARTICLES, seed=7)
    gen_s = time.perf_counter() - t0
    total_kb = sum(len(g.text.encode("utf-8")) for g in texts) / 1024

    for g in texts[:20]:  # warm-up: index, word lists, first-name list, date parser
        parse_article(article_from_text(g.text, source="warmup.txt"))
    # The py3langid model loads on the first text the quick en/de test cannot decide; that one-off load
    # (reported below on its own) would otherwise land inside the timed loop on whichever article is first.
    from geo.parse.articles import detect_language

    c0 = time.process_time()
    detect_language("Le gouvernement a annoncé hier une nouvelle offensive dans la région.")
    langid_load_s = time.process_time() - c0

    from geo.model import ParsedArticle
    from geo.parse.events import extract_events
    from geo.parse.resolve import resolve_mentions
    from geo.parse.toponyms import find_mentions

    mentions = events = 0
    per_lang = {"en": [0, 0.0], "de": [0, 0.0]}
    steps = {"read": 0.0, "mentions": 0.0, "resolve": 0.0, "events": 0.0, "json": 0.0}
    clock = time.process_time
    t_all, c_all = time.perf_counter(), clock()
    for k, g in enumerate(texts):
        # the steps of geo.parse.pipeline.parse_article, timed one by one
        t0 = clock()
        art = article_from_text(g.text, source=f"bench/{k:05d}.txt")
        t1 = clock()
        found = find_mentions(art)
        t2 = clock()
        resolved = resolve_mentions(art, found)
        t3 = clock()
        evs = extract_events(art, resolved)
        t4 = clock()
        obj = parsed_to_json(ParsedArticle(art, resolved, evs))
        t5 = clock()
        for name, d in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            steps[name] += d
        per_lang[g.language][0] += 1
        per_lang[g.language][1] += t5 - t0
        mentions += len(obj["mentions"])
        events += len(obj["events"])
    ours_wall = time.perf_counter() - t_all
    ours_cpu = clock() - c_all
    ours_rate = len(texts) / ours_cpu

    from geotext import GeoText

    t = time.process_time()
    for g in texts:
        GeoText(g.text)
    peer_rate = len(texts) / (time.process_time() - t)

    return [
        Figure(
            "generated corpus", len(texts), "articles", f"{total_kb / len(texts):.1f} KB mean, {gen_s:.1f} s"
        ),
        Figure(
            "extract throughput, 1 core (CPU time)",
            ours_rate,
            "articles/s",
            f">= {TARGET_PER_S:.0f}",
            ours_rate >= TARGET_PER_S,
        ),
        Figure("extract throughput, wall clock", len(texts) / ours_wall, "articles/s", "shared machine"),
        Figure("extract throughput, English", per_lang["en"][0] / per_lang["en"][1], "articles/s"),
        Figure("extract throughput, German", per_lang["de"][0] / per_lang["de"][1], "articles/s"),
        Figure("extract throughput", total_kb / ours_cpu, "KB/s"),
        *[Figure(f"CPU per article: {name}", 1000 * secs / len(texts), "ms") for name, secs in steps.items()],
        Figure("one-off language-model load (outside the timed loop)", langid_load_s, "s"),
        Figure("mentions accepted per article", mentions / len(texts), "mentions"),
        Figure("events per article", events / len(texts), "events"),
        Figure("geotext throughput, same texts", peer_rate, "articles/s"),
        Figure("conflictmap / geotext speed", ours_rate / peer_rate, "ratio"),
    ]


if __name__ == "__main__":
    from bench.figures import format_table

    print(format_table(run()))
