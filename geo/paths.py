"""Every path conflictmap reads or writes, resolved in one place.

Why one module: the same code runs from a source checkout (`make dashboard`), from a wheel installed with
pip (site-packages is read-only and shared), and in tests that point everything at a temporary folder.
Each of those wants its data somewhere else, and a path guessed from `__file__` in five modules drifted
apart before. The rule, in order:

1. `$CONFLICTMAP_HOME`, when set: everything (gazetteer artefact, download cache, default store) lives there.
2. A source checkout (this package sits next to `pyproject.toml` and `data/gazetteer/`): the checkout's
   `data/` folder, as the Makefile and the README describe.
3. Otherwise (an installed wheel): the user data folder from platformdirs, e.g.
   `~/.local/share/conflictmap` on Linux.

Read-only files that ship with the code (curated aliases, vendored browser assets, the Streamlit app and
its settings) are package data, found with `importlib.resources`, never under the user's home.
`$CONFLICTMAP_DB` still overrides the store alone (a path or an `sqlite:///` URL).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = [
    "home",
    "checkout_root",
    "gazetteer_dir",
    "cache_dir",
    "default_store_path",
    "sqlite_url_path",
    "package_file",
    "dashboard_dir",
    "vendor_dir",
]

_PACKAGE_DIR = Path(__file__).resolve().parent


def checkout_root() -> Path | None:
    """The source checkout this package runs from, or None for an installed wheel."""
    root = _PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and (root / "data" / "gazetteer").is_dir():
        return root
    return None


def home() -> Path:
    """The folder for everything conflictmap writes (see the module docstring for the order)."""
    env = os.environ.get("CONFLICTMAP_HOME")
    if env:
        return Path(env).expanduser()
    root = checkout_root()
    if root is not None:
        return root / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir("conflictmap", appauthor=False))


def gazetteer_dir() -> Path:
    """The built gazetteer artefact (`conflictmap gazetteer build` writes it)."""
    return home() / "gazetteer" / "build"


def cache_dir() -> Path:
    """Downloads (pinned npm tarballs), temporary build folders and derived caches."""
    return home() / "cache"


def default_store_path() -> Path:
    """`$CONFLICTMAP_DB` (a path or `sqlite:///path`) if set, else `conflictmap.sqlite` in `home()`."""
    env = os.environ.get("CONFLICTMAP_DB")
    if env:
        return sqlite_url_path(env)
    return home() / "conflictmap.sqlite"


def sqlite_url_path(target: str) -> Path:
    """The file of an ``sqlite:///path`` URL (SQLAlchemy's spelling: four slashes for an absolute path),
    or `target` itself as a path when it is not such a URL."""
    if target[:9].lower() == "sqlite://":
        target = target[9:].removeprefix("/")
    return Path(target).expanduser()


def package_file(package: str, *parts: str) -> Path:
    """A file shipped inside a package (wheel or checkout alike)."""
    base = resources.files(package)
    return Path(str(base.joinpath(*parts)))


def dashboard_dir() -> Path:
    """The Streamlit app's folder (`app.py`, `static/`, `.streamlit/config.toml`)."""
    return package_file("dashboard")


def vendor_dir() -> Path:
    """Vendored browser assets (Leaflet, markercluster), served by Streamlit and inlined by HTML export.

    They live in `dashboard/static/` because Streamlit serves only the `static/` folder beside its entry
    script; the standalone HTML export reads the same files, so there is one copy.
    """
    return dashboard_dir() / "static" / "vendor"
