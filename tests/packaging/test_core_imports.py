"""The core (geocoder, parser, store, CLI) imports without the dashboard's and the renderers' heavy parts.

A script that only geocodes or extracts must not pay for (or need) streamlit, matplotlib or scipy; they
are imported inside the functions that draw or serve. Checked in a fresh interpreter, because this test
process has long imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.requires_gazetteer

HEAVY = ("streamlit", "matplotlib", "scipy")

CORE = """
import json, sys
import geo.cli, geo.ingest, geo.parse.pipeline, geo.store.sqlite, geo.gazetteer.geocoder
geo.cli.build_parser()  # every command module, as `conflictmap --help` loads them
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in %r)))
"""


def test_core_imports_without_streamlit_matplotlib_or_scipy() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CORE % (HEAVY,)], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(proc.stdout) == []
