"""Run every benchmark module (`bench/bench_*.py`) and print its figures against the issue targets.

Each module exposes `run() -> list[Figure]`. Modules run in separate processes so that one module's
memory (a loaded gazetteer, a big store) does not distort the next one's cold-start or peak figures.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

from bench.figures import Figure, format_table


def _modules() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))


def _run_one(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    figures: list[Figure] = module.run()
    print(json.dumps([f.as_dict() for f in figures]))


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--one":
        _run_one(argv[1])
        return 0
    wanted = set(argv)
    failed = 0
    for name in _modules():
        if wanted and name not in wanted and name.removeprefix("bench_") not in wanted:
            continue
        print(f"\n== {name}", flush=True)
        proc = subprocess.run([sys.executable, "-m", "bench", "--one", name], capture_output=True, text=True)
        if proc.returncode != 0:
            failed += 1
            print(proc.stdout[-2000:], proc.stderr[-4000:])
            continue
        last = proc.stdout.strip().splitlines()[-1]
        print(format_table([Figure(**d) for d in json.loads(last)]), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
