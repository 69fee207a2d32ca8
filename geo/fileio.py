"""Writing files so that a reader sees the old file or the new one, never half of one.

Why one helper: six places wrote their own temporary-file-and-rename and they disagreed on the mode
(0600 from `mkstemp` for some outputs), on fsync, and on what they would replace. Here:

* the temporary file is created in the target's folder (a rename is atomic only within one file system),
  keeps the target's suffix (GDAL picks a driver from it), and is removed on any error;
* data are fsynced before the rename, and the folder after it, so a power cut cannot leave an empty file;
* the result gets the mode a normal new file would get (0644 under the usual umask), not 0600;
* only a regular file is ever replaced: a folder, a symlink, a FIFO or a device at the target is refused,
  so `--out /dev/full` or a symlink to someone's file cannot be clobbered;
* `check_output` also refuses the store itself (same file, through a hard or symbolic link too) and any
  SQLite database: `export --out "$CONFLICTMAP_DB"` once replaced a store with a CSV and said "wrote".
  An existing GeoPackage may be replaced by a new GeoPackage only (re-running a GeoPackage export).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from geo.errors import OutputError

__all__ = [
    "check_writable",
    "check_output",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "default_mode",
]

_SIDE_FILES = ("-journal", "-wal", "-shm")  # SQLite companions: of a GeoPackage being written, of the store
_SQLITE_MAGIC = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
_GPKG_APPLICATION_ID = b"GPKG"  # bytes 68-71 of a GeoPackage's header (its SQLite application_id)

StorePath = str | os.PathLike[str] | None


def default_mode() -> int:
    """The permission bits `open()` would give a new file under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def check_writable(target: str | os.PathLike[str]) -> Path:
    """Fail early, with a message a user understands, before any expensive work starts."""
    path = Path(target)
    parent = path.parent
    if path.is_symlink():
        raise OutputError(f"{path} is a symbolic link; give the real file's path")
    if path.is_dir():
        raise OutputError(f"{path} is a folder, not a file")
    if path.exists() and not path.is_file():
        raise OutputError(f"{path} is not a regular file (a device, FIFO or socket); refusing to replace it")
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"{parent} is not a folder")
    if not parent.is_dir():
        raise OutputError(f"folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"folder {parent} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"{path} is not writable")
    return path


def _is_store(path: Path, store: Path) -> bool:
    """`path` is the store or one of its side files, by name (after resolving links) or by inode."""
    resolved, home = path.resolve(), store.resolve()
    if resolved in (home, *(Path(f"{home}{side}") for side in _SIDE_FILES)):
        return True
    try:
        return os.path.samefile(path, store)  # a hard link has another name but the same inode
    except OSError:
        return False


def check_output(
    target: str | os.PathLike[str], *, store: StorePath = None, replace_geopackage: bool = False
) -> Path:
    """`check_writable`, and refuse to replace the store or any SQLite database (see the module docstring).

    `store`: the store's path, when the writer reads one. `replace_geopackage`: a GeoPackage export may
    replace an existing GeoPackage (SQLite with application_id "GPKG"), never another SQLite file.
    """
    path = Path(target)
    if store is not None and _is_store(path, Path(store)):
        raise OutputError(f"{path} is the store itself; choose another output file")
    check_writable(path)
    if path.is_file():
        try:
            with open(path, "rb") as fh:
                head = fh.read(72)
        except OSError as exc:
            raise OutputError(f"cannot check what {path} holds before replacing it: {exc.strerror}") from exc
        if head.startswith(_SQLITE_MAGIC) and not (
            replace_geopackage and head[68:72] == _GPKG_APPLICATION_ID
        ):
            raise OutputError(f"{path} is an SQLite database (a store?); refusing to replace it")
    return path


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened or synced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(
    target: str | os.PathLike[str],
    *,
    create: bool = False,
    store: StorePath = None,
    replace_geopackage: bool = False,
) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; when the block succeeds it replaces the target.

    With `create=False` the temporary path does not exist yet (GDAL refuses to create a dataset over an
    existing file); with `create=True` it is an empty file. On any exception (and on SIGTERM, which
    `geo.cli.main` turns into one) the temporary file and its side files are removed and the previous
    target is left untouched. `store` and `replace_geopackage`: see `check_output`, checked before and
    again just before the rename.
    """

    def check() -> Path:
        return check_output(target, store=store, replace_geopackage=replace_geopackage)

    path = check()
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=f".part{path.suffix}", dir=path.parent
        )
    except OSError as exc:
        raise OutputError(f"cannot write in {path.parent}: {exc.strerror}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    if not create:
        tmp.unlink()
    try:
        yield tmp
        if not tmp.exists():
            raise OutputError(f"nothing was written to {path}")
        check()  # the target may have changed into something else while we worked
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, default_mode())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    finally:
        for p in (tmp, *(Path(f"{tmp}{side}") for side in _SIDE_FILES)):
            p.unlink(missing_ok=True)


def atomic_write_bytes(target: str | os.PathLike[str], data: bytes, *, store: StorePath = None) -> Path:
    """Write `data` to `target` atomically (see the module docstring); returns the target path."""
    path = Path(target)
    with atomic_path(path, create=True, store=store) as tmp:
        tmp.write_bytes(data)
    return path


def atomic_write_text(
    target: str | os.PathLike[str], text: str, encoding: str = "utf-8", *, store: StorePath = None
) -> Path:
    """Write `text` to `target` atomically, encoded as `encoding`."""
    return atomic_write_bytes(target, text.encode(encoding), store=store)
