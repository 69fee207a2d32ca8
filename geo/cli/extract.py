"""`conflictmap extract PATH... --format json`: geoparse files and print the result, store nothing.

The JSON array is streamed one article at a time, so a large folder starts printing at once and memory
stays flat. Each unreadable input gets one line on stderr. Exit codes (`geo.cli.exitcodes`): 0 when at
least one article was read, 1 when nothing could be read (as `ingest`), 2 when the gazetteer is unavailable.
"""

from __future__ import annotations

import argparse
import json
import sys

from geo.cli.exitcodes import ExitCode


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
    from geo.parse.articles import Rejected
    from geo.parse.pipeline import extract_paths, parsed_to_json
    from geo.parse.toponyms import name_index

    name_index()  # fail early: GazetteerNotBuilt becomes one line (with how to build it) and exit 2
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
        return ExitCode.OK
    out.write("\n]\n" if read else "]\n")
    out.flush()
    if not read:
        print("conflictmap extract: no article could be read", file=sys.stderr)
        return ExitCode.INCOMPLETE
    return ExitCode.OK
