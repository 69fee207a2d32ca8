"""`conflictmap geocode NAME... [--country CC] [--format json|table]`.

JSON (the stable machine interface of ARCHITECTURE.md): one array, one element per name in order,
either {"query", "name", "lat", "lon", "country_code", "admin1", "geonameid", "feature_code",
"population", "score"} or null. Exit codes (`geo.cli.exitcodes`): 0 if every name resolved, 1 if any
did not, 2 on bad input or a missing gazetteer (one line on stderr, nothing on stdout).
"""

from __future__ import annotations

import argparse
import json

from geo.cli.exitcodes import ExitCode
from geo.cli.terminal import printable


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "geocode",
        help="resolve place names offline with the bundled world gazetteer",
        description="Resolve place names (as news spells them) to places, offline.",
    )
    p.add_argument("names", nargs="+", metavar="NAME", help="place name(s), e.g. Herat 'Mazar-i-Sharif'")
    p.add_argument(
        "--country",
        action="append",
        metavar="CC",
        help="restrict to ISO 3166-1 alpha-2 country code(s); repeat or comma-separate",
    )
    p.add_argument("--format", choices=("json", "table"), default="json", help="output format (default json)")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from geo.gazetteer.geocoder import GazetteerGeocoder, location_to_json, validate_query

    # a bad query (BadQueryError) or a missing gazetteer (GazetteerNotBuilt) is a ConflictmapError:
    # geo.cli.main prints it as one line and exits 2, before anything reaches stdout
    queries = [validate_query(name) for name in args.names]
    countries = [c for arg in (args.country or []) for c in arg.split(",") if c.strip()] or None
    geocoder = GazetteerGeocoder()
    records = [location_to_json(q, geocoder.geocode(q, country=countries)) for q in queries]
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=1))
    else:
        print(_table(queries, records))
    return ExitCode.OK if all(r is not None for r in records) else ExitCode.INCOMPLETE


def _table(queries: list[str], records: list[dict | None]) -> str:
    rows = [("query", "name", "lat", "lon", "cc", "admin1", "feature", "population", "score")]
    for q, r in zip(queries, records, strict=True):
        if r is None:
            rows.append((q, "(unresolved)", "", "", "", "", "", "", ""))
            continue
        rows.append(
            (
                q,
                r["name"],
                f"{r['lat']:.5f}",
                f"{r['lon']:.5f}",
                r["country_code"] or "",
                r["admin1"] or "",
                r["feature_code"],
                f"{r['population']:,}",
                f"{r['score']:.2f}",
            )
        )
    cells = [[printable(c) for c in row] for row in rows]  # names are data: no raw control characters
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    )
