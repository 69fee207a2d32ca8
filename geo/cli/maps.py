"""`conflictmap map`: a static map (PNG/SVG/PDF, or a standalone HTML page) of one date, or a series.

    conflictmap map --date 2021-08-13 --country AF --out af.png
    conflictmap map --from 2021-08-01 --to 2021-08-15 --every day --country AF --out frames/ --gif

Bad input (unknown country, empty date range, bbox outside the world, unwritable output) is one line on
stderr and `ExitCode.ERROR`, and nothing is written. The formats `--out` accepts come from the registry in
`geo.export.formats`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.cli.exitcodes import ExitCode
from geo.cli.terminal import printable
from geo.errors import ConflictmapError, InputError
from geo.model import BBox


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "map",
        help="render a static map (png/svg/pdf/html) at a date, or a series of frames",
        description="Render a static map offline from the store (annotations applied).",
    )
    when = p.add_argument_group("one map")
    when.add_argument("--date", help="map date YYYY-MM-DD: control and events up to this day")
    when.add_argument("--since", help="show only events on or after this date (control stays cumulative)")
    series = p.add_argument_group("series")
    series.add_argument("--from", dest="start", help="first frame date YYYY-MM-DD")
    series.add_argument("--to", dest="end", help="last frame date YYYY-MM-DD")
    series.add_argument("--every", choices=("day", "week"), default="day", help="step between frames")
    series.add_argument("--gif", action="store_true", help="also write an animated GIF of the frames")
    series.add_argument(
        "--max-frames",
        type=int,
        default=500,
        metavar="N",
        help="refuse a series of more than N frames (default 500)",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument("--country", help="ISO 3166-1 alpha-2 code, e.g. AF")
    where.add_argument(
        "--bbox", help="W,S,E,N in degrees, e.g. 60,29,75,39 (write --bbox=-10,... when W is negative)"
    )
    p.add_argument(
        "--layers",
        default="control,events",
        help="comma-separated: control,events,mentions (default control,events)",
    )
    p.add_argument("--title", help="map title (the date is always added)")
    p.add_argument("--dpi", type=int, default=150, help="resolution of PNG output (default 150)")
    p.add_argument("--out", required=True, help="FILE.png|svg|pdf|html for one map; a folder for a series")
    p.add_argument("--db", help="store file (default: $CONFLICTMAP_DB or data/conflictmap.sqlite)")
    p.set_defaults(func=handle)


def _fail(message: str) -> int:
    print(f"conflictmap map: {printable(message)}", file=sys.stderr)
    return ExitCode.ERROR


def parse_date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date (use YYYY-MM-DD)") from None


def parse_bbox(value: str) -> BBox:
    try:
        w, s, e, n = (float(v) for v in value.split(","))
    except ValueError:
        raise InputError(f"--bbox {value!r}: expected four numbers W,S,E,N") from None
    return w, s, e, n


def store_path(db: str | None) -> Path:
    """The store a command reads: --db, else $CONFLICTMAP_DB or the default (an output must not be it)."""
    from geo.store import default_db_path

    return Path(db) if db else default_db_path()


def open_store(db: str | None) -> Any:
    """Open an existing store; never create an empty one as a side effect of a typo in --db."""
    from geo.store import Store

    path = store_path(db)
    if not path.is_file():
        raise InputError(f"no store at {path} (run `conflictmap ingest` first or pass --db)")
    return Store(path)


@dataclass(slots=True)
class _Request:
    """A checked `conflictmap map` request: one map (`date`) or a series (`start`..`end`)."""

    layers: tuple[str, ...]
    bbox: BBox | None
    country: str | None
    date: dt.date | None = None
    since: dt.date | None = None
    fmt: str = "png"
    start: dt.date | None = None
    end: dt.date | None = None


def _request(args: argparse.Namespace) -> _Request:
    """Every check that needs no store, so that a typo fails in a moment and writes nothing."""
    import geo.export as export
    from geo.fileio import check_output

    layers = tuple(x.strip() for x in args.layers.split(",") if x.strip())
    bad = [x for x in layers if x not in export.LAYERS]
    if bad or not layers:
        raise InputError(f"unknown layer {bad[0] if bad else '(none)'}; use {','.join(export.LAYERS)}")
    if args.dpi < 20 or args.dpi > 1200:
        raise InputError(f"--dpi {args.dpi} is out of range (20..1200)")
    bbox = export.check_bbox(parse_bbox(args.bbox)) if args.bbox else None
    country = args.country.upper() if args.country else None
    req = _Request(layers, bbox, country)
    allowed = export.formats.map_command_formats()
    if args.start is not None or args.end is not None:
        if args.date or args.since:
            raise InputError("use either --date/--since (one map) or --from/--to (a series), not both")
        if not (args.start and args.end):
            raise InputError("a series needs both --from and --to")
        req.start, req.end = parse_date(args.start, "--from"), parse_date(args.end, "--to")
        if req.end < req.start:
            raise InputError(f"empty date range: --from {req.start} is after --to {req.end}")
        if args.max_frames < 1:
            raise InputError(f"--max-frames {args.max_frames} must be at least 1")
        from geo.export.series import check_frame_count

        check_frame_count(len(export.series_dates(req.start, req.end, args.every)), args.max_frames)
        file_suffixes = {export.formats.get(f).suffix for f in allowed}
        if Path(args.out).suffix.lower() in (*file_suffixes, ".gif"):
            raise InputError(f"--out {args.out} looks like a file; a series needs a folder")
    else:
        if not args.date:
            raise InputError("--date is required (or --from/--to for a series)")
        req.date = parse_date(args.date, "--date")
        req.since = parse_date(args.since, "--since") if args.since else None
        if req.since is not None and req.since > req.date:
            raise InputError(f"empty date range: --since {req.since} is after --date {req.date}")
        req.fmt = Path(args.out).suffix.lower().lstrip(".")
        if req.fmt not in allowed:
            names = ", ".join(f".{f}" for f in allowed[:-1]) + f" or .{allowed[-1]}"
            raise InputError(f"--out {args.out}: use a {names} file name")
        check_output(args.out, store=store_path(args.db))
    if country:
        export.country_extent(country)  # raises for an unknown code, before opening anything
    return req


def _render(store: Any, req: _Request, args: argparse.Namespace) -> str:
    """Draw what `req` asks for; the line to print."""
    import geo.export as export

    if req.start is not None:
        series = export.render_series(
            store, req.start, req.end, every=args.every, out_dir=Path(args.out), gif=args.gif,
            layers=req.layers, title=args.title, dpi=args.dpi, country=req.country, bbox=req.bbox,
            max_frames=args.max_frames,
        )  # fmt: skip
        gif = f" and {series.gif}" if series.gif else ""
        return (
            f"wrote {len(series.frames)} frames to {Path(args.out)}{gif} "
            f"({sum(series.changes)} changes of control highlighted)"
        )
    if req.fmt == "html":
        page = export.export_data(
            store, "html", args.out, date=req.date, since=req.since, title=args.title,
            country=req.country, bbox=req.bbox,
        )  # fmt: skip
        return f"wrote {args.out} ({page.counts_text()})"
    drawn = export.render_map(
        store, req.date, since=req.since, layers=req.layers, title=args.title, dpi=args.dpi,
        out=args.out, fmt=req.fmt, country=req.country, bbox=req.bbox,
    )  # fmt: skip
    return f"wrote {args.out} ({drawn.counts_text()})"


def handle(args: argparse.Namespace) -> int:
    try:
        req = _request(args)
        store = open_store(args.db)
    except (ConflictmapError, ValueError) as exc:
        return _fail(str(exc))
    try:
        print(printable(_render(store, req, args)))
    except (ConflictmapError, ValueError, OSError) as exc:
        return _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - a user gets one line, never a traceback
        first = str(exc).splitlines()[0] if str(exc) else ""
        return _fail(f"internal error: {type(exc).__name__}: {first}")
    finally:
        store.close()
    return ExitCode.OK
