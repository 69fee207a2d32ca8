"""`conflictmap extract PATH... --format json`: geoparse files and print the result, store nothing.

The JSON array is streamed one article at a time, so a large folder starts printing at once and memory
stays flat. Each unreadable input, and each article the parser fails on, gets one line on stderr and
the batch goes on: stdout is always a complete JSON array. Exit codes (`geo.cli.exitcodes`): 0 when at
least one article was read, 1 when nothing could be read (as `ingest`), 2 when the gazetteer is unavailable.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from geo.cli.exitcodes import ExitCode
from geo.cli.terminal import printable

# Inside JSON strings, lone surrogates (file names that are not valid UTF-8) cannot be written as UTF-8:
# they become \uXXXX escapes, as ensure_ascii would write them. (C1 controls are left as they are: the
# output for text that contains them, e.g. U+0097 in LGL, stays byte-identical.)
_UNSAFE_IN_JSON = re.compile("[\ud800-\udfff]")


def _json_line(obj: object) -> str:
    text = json.dumps(obj, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


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


def _say(what: str, source: str, reason: str) -> None:
    print(f"conflictmap extract: {what} {printable(source)}: {printable(reason)}", file=sys.stderr)


def handler(args: argparse.Namespace) -> int:
    from geo.ingest import PipelineUnavailable, parse_one
    from geo.parse.articles import Rejected, read_paths
    from geo.parse.pipeline import parsed_to_json
    from geo.parse.toponyms import name_index

    name_index()  # fail early: GazetteerNotBuilt becomes one line (with how to build it) and exit 2
    out = sys.stdout
    read = 0
    out.write("[")
    try:
        for item in read_paths(args.paths, on_warning=lambda src, msg: _say("warning:", src, msg)):
            if isinstance(item, Rejected):
                _say("skipped", item.source, item.reason)
                continue
            status, value = parse_one(item)  # never raises: one bad article must not stop the batch
            if status == "fatal":
                out.write("\n]\n" if read else "]\n")
                out.flush()
                raise PipelineUnavailable(value)
            try:
                line = _json_line(parsed_to_json(value)) if status == "ok" else None
            except Exception as exc:  # a bug turning one article into JSON: skip it, keep the array whole
                line, value = None, f"could not be written ({type(exc).__name__}: {exc})"
            if line is None:
                _say("skipped", item.source, str(value))
                continue
            out.write(("," if read else "") + "\n" + line)
            read += 1
        out.write("\n]\n" if read else "]\n")
        out.flush()
    except BrokenPipeError:  # `| head` closed the pipe: not an error worth a traceback
        return ExitCode.OK
    if not read:
        print("conflictmap extract: no article could be read", file=sys.stderr)
        return ExitCode.INCOMPLETE
    return ExitCode.OK
