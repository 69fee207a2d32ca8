"""`conflictmap export`: events (and, in GeoPackage, mentions and control) with annotations applied.

    conflictmap export --format gpkg --out aug.gpkg
    conflictmap export --format csv --out events.csv --date 2021-08-13

Bad input is one line on stderr and exit code 2, and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from geo.cli.maps import open_store, parse_bbox, parse_date

EXIT_USAGE = 2
FORMATS = ("geojson", "gpkg", "csv", "kml", "html")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "export",
        help="export events/mentions/control as geojson, gpkg, csv, kml or a standalone html map",
        description="Export the store's data with analyst annotations applied.",
    )
    p.add_argument("--format", required=True, choices=FORMATS, help="output format")
    p.add_argument("--out", required=True, help="output file")
    p.add_argument("--date", help="only events on or before this date, control as of this date")
    p.add_argument("--since", help="only events on or after this date")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--country", help="ISO 3166-1 alpha-2 code: only this country's rows")
    where.add_argument("--bbox", help="W,S,E,N: only rows inside this box (--bbox=-10,... when W < 0)")
    p.add_argument("--db", help="store file (default: $CONFLICTMAP_DB or data/conflictmap.sqlite)")
    p.set_defaults(func=handle)


def _fail(message: str) -> int:
    print(f"conflictmap export: {message}", file=sys.stderr)
    return EXIT_USAGE


def handle(args: argparse.Namespace) -> int:
    from geo.export import core as export

    try:
        date = parse_date(args.date, "--date") if args.date else None
        since = parse_date(args.since, "--since") if args.since else None
        if date is not None and since is not None and since > date:
            return _fail(f"empty date range: --since {since} is after --date {date}")
        bbox = parse_bbox(args.bbox) if args.bbox else None
        if bbox is not None:
            export.check_bbox(bbox)
        country = args.country.upper() if args.country else None
        if country:
            export.country_extent(country)
        export.check_writable(args.out)
        store = open_store(args.db)
    except (ValueError, export.ExportError) as exc:
        return _fail(str(exc))
    try:
        result = export.export_data(
            store, args.format, Path(args.out), date=date, since=since, country=country, bbox=bbox
        )
    except (ValueError, OSError, export.ExportError) as exc:
        return _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - a user gets one line, never a traceback
        first = str(exc).splitlines()[0] if str(exc) else ""
        print(f"conflictmap export: internal error: {type(exc).__name__}: {first}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"wrote {args.out} ({result.counts_text()})")
    return 0
