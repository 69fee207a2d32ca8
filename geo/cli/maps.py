"""`conflictmap map`: a static map (PNG/SVG/PDF, or a standalone HTML page) of one date, or a series.

    conflictmap map --date 2021-08-13 --country AF --out af.png
    conflictmap map --from 2021-08-01 --to 2021-08-15 --every day --country AF --out frames/ --gif

Bad input (unknown country, empty date range, bbox outside the world, unwritable output) is one line on
stderr and `ExitCode.ERROR`, and nothing is written. The formats `--out` accepts come from the registry in
`geo.export.formats`. A flag that does not apply to what is asked for is an error, not silently ignored:
`--gif`, `--every` or `--max-frames` with `--date` (one map), `--dpi` with an HTML page. `--layers` applies
to every format (the HTML page shows only those layers). `--dpi` sets the pixels of a PNG, and in SVG and
PDF the resolution of the dense layers drawn as embedded images (over 2,000 points); their lines and text
stay vector.

A map with nothing of the asked-for layers in view at its date says "No data at this date" on the map and
the command exits with `ExitCode.INCOMPLETE` (1).
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
    series.add_argument("--every", choices=("day", "week"), help="step between frames (default day)")
    series.add_argument("--gif", action="store_true", help="also write an animated GIF of the frames")
    series.add_argument(
        "--max-frames",
        type=int,
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
    p.add_argument(
        "--dpi",
        type=int,
        help="resolution (default 150): PNG pixels; in SVG/PDF, of dense layers embedded as images; "
        "not for HTML",
    )
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


DEFAULT_DPI = 150
DEFAULT_EVERY = "day"


@dataclass(slots=True)
class _Request:
    """A checked `conflictmap map` request: one map (`date`) or a series (`start`..`end`)."""

    layers: tuple[str, ...]
    bbox: BBox | None
    country: str | None
    dpi: int = DEFAULT_DPI
    every: str = DEFAULT_EVERY
    max_frames: int = 500
    date: dt.date | None = None
    since: dt.date | None = None
    fmt: str = "png"
    start: dt.date | None = None
    end: dt.date | None = None
    no_data: bool = False  # set by _render: nothing of the asked-for layers at the date


def _request(args: argparse.Namespace) -> _Request:
    """Every check that needs no store, so that a typo fails in a moment and writes nothing."""
    import geo.export as export
    from geo.fileio import check_output

    layers = tuple(x.strip() for x in args.layers.split(",") if x.strip())
    bad = [x for x in layers if x not in export.LAYERS]
    if bad or not layers:
        raise InputError(f"unknown layer {bad[0] if bad else '(none)'}; use {','.join(export.LAYERS)}")
    if args.dpi is not None and not 20 <= args.dpi <= 1200:
        raise InputError(f"--dpi {args.dpi} is out of range (20..1200)")
    bbox = export.check_bbox(parse_bbox(args.bbox)) if args.bbox else None
    country = args.country.upper() if args.country else None
    req = _Request(layers, bbox, country, dpi=args.dpi or DEFAULT_DPI, every=args.every or DEFAULT_EVERY)
    allowed = export.formats.map_command_formats()
    if args.start is not None or args.end is not None:
        if args.date or args.since:
            raise InputError("use either --date/--since (one map) or --from/--to (a series), not both")
        if not (args.start and args.end):
            raise InputError("a series needs both --from and --to")
        req.start, req.end = parse_date(args.start, "--from"), parse_date(args.end, "--to")
        if req.end < req.start:
            raise InputError(f"empty date range: --from {req.start} is after --to {req.end}")
        from geo.export.series import MAX_FRAMES, check_frame_count

        req.max_frames = MAX_FRAMES if args.max_frames is None else args.max_frames
        if req.max_frames < 1:
            raise InputError(f"--max-frames {req.max_frames} must be at least 1")
        check_frame_count(len(export.series_dates(req.start, req.end, req.every)), req.max_frames)
        file_suffixes = {export.formats.get(f).suffix for f in allowed}
        if Path(args.out).suffix.lower() in (*file_suffixes, ".gif"):
            raise InputError(f"--out {args.out} looks like a file; a series needs a folder")
    else:
        if not args.date:
            raise InputError("--date is required (or --from/--to for a series)")
        series_only = [
            flag
            for flag, given in (
                ("--gif", args.gif),
                ("--every", args.every is not None),
                ("--max-frames", args.max_frames is not None),
            )
            if given
        ]
        if series_only:
            raise InputError(f"{series_only[0]} applies to a series (--from/--to), not to one map (--date)")
        req.date = parse_date(args.date, "--date")
        req.since = parse_date(args.since, "--since") if args.since else None
        if req.since is not None and req.since > req.date:
            raise InputError(f"empty date range: --since {req.since} is after --date {req.date}")
        req.fmt = Path(args.out).suffix.lower().lstrip(".")
        if req.fmt not in allowed:
            names = ", ".join(f".{f}" for f in allowed[:-1]) + f" or .{allowed[-1]}"
            raise InputError(f"--out {args.out}: use a {names} file name")
        if req.fmt == "html" and args.dpi is not None:
            raise InputError("--dpi does not apply to an HTML map (it has no pixels); leave it out")
        check_output(args.out, store=store_path(args.db))
    if country:
        export.country_extent(country)  # raises for an unknown code, before opening anything
    return req


def _render(store: Any, req: _Request, args: argparse.Namespace) -> str:
    """Draw what `req` asks for; the line to print."""
    import geo.export as export

    if req.start is not None:
        series = export.render_series(
            store, req.start, req.end, every=req.every, out_dir=Path(args.out), gif=args.gif,
            layers=req.layers, title=args.title, dpi=req.dpi, country=req.country, bbox=req.bbox,
            max_frames=req.max_frames,
        )  # fmt: skip
        gif = f" and {series.gif}" if series.gif else ""
        return (
            f"wrote {len(series.frames)} frames to {Path(args.out)}{gif} "
            f"({sum(series.changes)} changes of control highlighted)"
        )
    if req.fmt == "html":
        page = export.export_data(
            store, "html", args.out, date=req.date, since=req.since, title=args.title,
            country=req.country, bbox=req.bbox, layers=req.layers,
        )  # fmt: skip
        req.no_data = not any(page.counts.values())
        return f"wrote {args.out} ({page.counts_text()})"
    drawn = export.render_map(
        store, req.date, since=req.since, layers=req.layers, title=args.title, dpi=req.dpi,
        out=args.out, fmt=req.fmt, country=req.country, bbox=req.bbox,
    )  # fmt: skip
    req.no_data = drawn.stats.no_data
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
    if req.no_data:
        print(
            f"conflictmap map: no data at {req.date} in this view (the map says so)",
            file=sys.stderr,
        )
        return ExitCode.INCOMPLETE
    return ExitCode.OK
