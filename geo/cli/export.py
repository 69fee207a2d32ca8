"""`conflictmap export`: events (and, in GeoPackage, mentions and control) with annotations applied.

    conflictmap export --format gpkg --out aug.gpkg
    conflictmap export --format csv --out events.csv --date 2021-08-13
    conflictmap export --format csv --out events.csv --csv-formulas raw

`--out` must end in the format's suffix (.geojson, .gpkg, .csv, .kml, .html); without `--format` the
format is the one of that suffix. A mismatch (`--format csv --out x.kml`) is one line and exit 2: a
file's suffix is what every other program trusts. `--out` is never the store, another SQLite file
(an existing GeoPackage may be replaced by a GeoPackage) or anything but a regular file. CSV cells of
text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) get a
leading `'` unless `--csv-formulas raw` (a CSV-only flag: with another format it is an error, not
ignored).

Bad input is one line on stderr and `ExitCode.ERROR`, and nothing is written. The formats are those of
the registry in `geo.export.formats` (the dashboard's download buttons offer the same).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from geo.cli.exitcodes import ExitCode
from geo.cli.maps import open_store, parse_bbox, parse_date, store_path
from geo.cli.terminal import printable
from geo.errors import ConflictmapError, InputError


def register(subparsers: Any) -> None:
    from geo.export import formats

    choices = formats.names("data")
    p = subparsers.add_parser(
        "export",
        help=f"export events/mentions/control as {', '.join(choices)}",
        description="Export the store's data with analyst annotations applied.",
    )
    p.add_argument(
        "--format",
        choices=choices,
        help="default: from the suffix of --out; "
        + "; ".join(f"{f}: {formats.get(f).label}" for f in choices),
    )
    p.add_argument("--out", required=True, help=f"output file ({formats.suffixes_text(choices)})")
    p.add_argument(
        "--csv-formulas",
        choices=("escape", "raw"),
        help="CSV only: text cells starting with = + - @ get a leading ' so spreadsheets do not run them "
        "(escape, the default); raw writes them unchanged",
    )
    p.add_argument("--date", help="only events on or before this date, control as of this date")
    p.add_argument("--since", help="only events on or after this date")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--country", help="ISO 3166-1 alpha-2 code: only this country's rows")
    where.add_argument("--bbox", help="W,S,E,N: only rows inside this box (--bbox=-10,... when W < 0)")
    p.add_argument("--db", help="store file (default: $CONFLICTMAP_DB or data/conflictmap.sqlite)")
    p.set_defaults(func=handle)


def _fail(message: str) -> int:
    print(f"conflictmap export: {printable(message)}", file=sys.stderr)
    return ExitCode.ERROR


def output_format(fmt: str | None, out: str) -> str:
    """The format to write: `--format` if its suffix is the one of `--out`, else the suffix's format."""
    from geo.export import formats

    allowed = formats.names("data")
    by_suffix = formats.for_suffix(out, allowed)
    if fmt is None:
        if by_suffix is None:
            raise InputError(
                f"--out {out}: name it {formats.suffixes_text(allowed)}, or say what to write with --format"
            )
        return by_suffix.name
    wanted = formats.get(fmt, "data")
    if by_suffix is not wanted:
        hint = f" or --format {by_suffix.name}" if by_suffix is not None else ""
        raise InputError(f"--out {out} does not match --format {wanted.name}: name it *{wanted.suffix}{hint}")
    return wanted.name


def handle(args: argparse.Namespace) -> int:
    import geo.export as export
    from geo.fileio import check_output

    try:
        # a folder, a link or the store is named as such before its suffix is looked at
        guess = args.format or getattr(export.formats.for_suffix(args.out), "name", None)
        check_output(args.out, store=store_path(args.db), replace_geopackage=guess == "gpkg")
        fmt = output_format(args.format, args.out)
        if args.csv_formulas is not None and fmt != "csv":
            return _fail(f"--csv-formulas applies to CSV only, not to --format {fmt}")
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
        check_output(args.out, store=store_path(args.db), replace_geopackage=fmt == "gpkg")
        store = open_store(args.db)
    except (ConflictmapError, ValueError) as exc:
        return _fail(str(exc))
    try:
        result = export.export_data(
            store, fmt, Path(args.out), date=date, since=since, country=country, bbox=bbox,
            csv_formulas=args.csv_formulas or "escape",
        )  # fmt: skip
    except (ConflictmapError, ValueError, OSError) as exc:
        return _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - a user gets one line, never a traceback
        first = str(exc).splitlines()[0] if str(exc) else ""
        return _fail(f"internal error: {type(exc).__name__}: {first}")
    finally:
        store.close()
    print(printable(f"wrote {args.out} ({result.counts_text()})"))
    return ExitCode.OK
