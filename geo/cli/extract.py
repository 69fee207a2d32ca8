"""`conflictmap extract PATH... --format json`: geoparse files and print the result, store nothing.

The JSON array is streamed one article at a time, so a large folder starts printing at once and memory
stays flat. Each unreadable input gets one line on stderr. Exit codes: 0 when at least one article was
read, 2 when nothing could be read (or the gazetteer is unavailable).
"""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_NOTHING = 0, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "extract",
        help="print dates, place mentions and events of articles as JSON (stores nothing)",
        description="Geoparse files or folders (.txt, .html, .json, .jsonl, .csv) and print a JSON array "
        "with one object per article.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (read recursively)")
    p.add_argument("--format", choices=["json"], default="json", help="output format (default: json)")
    p.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    try:
        from geo.parse.articles import Rejected
        from geo.parse.pipeline import extract_paths, parsed_to_json
        from geo.parse.toponyms import name_index

        name_index()  # fail early, with one line, if the gazetteer is missing
    except (ImportError, OSError, RuntimeError) as exc:  # RuntimeError: GazetteerNotBuilt
        print(f"conflictmap extract: gazetteer unavailable ({exc}); run `make gazetteer`", file=sys.stderr)
        return EXIT_NOTHING
    out = sys.stdout
    read = 0
    out.write("[")
    try:
        for item in extract_paths(args.paths):
            if isinstance(item, Rejected):
                print(f"conflictmap extract: skipped {item.source}: {item.reason}", file=sys.stderr)
                continue
            out.write(("," if read else "") + "\n" + json.dumps(parsed_to_json(item), ensure_ascii=False))
            read += 1
    except BrokenPipeError:  # `| head` closed the pipe: not an error worth a traceback
        return EXIT_OK
    out.write("\n]\n" if read else "]\n")
    out.flush()
    if not read:
        print("conflictmap extract: no article could be read", file=sys.stderr)
        return EXIT_NOTHING
    return EXIT_OK
