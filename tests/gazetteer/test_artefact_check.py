"""The loader refuses an artefact it cannot read correctly, and says how to rebuild it.

A stale artefact would not crash: it would silently miss names whose folded keys changed. So the loader
checks the format version and the folding-rules fingerprint written by the builder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from geo.errors import ConflictmapError, DataMissingError
from geo.gazetteer import lookup
from geo.gazetteer.lookup import FORMAT_VERSION, Gazetteer, GazetteerNotBuilt, folding_rules_sha256
from geo.paths import gazetteer_dir

pytestmark = pytest.mark.requires_gazetteer


def _copy_with_manifest(tmp_path: Path, **changes: object) -> Path:
    """A copy of the real artefact's small files, linking the big arrays, with manifest inputs changed."""
    src = gazetteer_dir()
    dst = tmp_path / "build"
    dst.mkdir()
    for f in src.iterdir():
        if f.name == "manifest.json":
            continue
        (dst / f.name).symlink_to(f.resolve())
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    manifest["inputs"].update(changes)
    (dst / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return dst


def test_the_built_artefact_matches_this_code() -> None:
    inputs = json.loads((gazetteer_dir() / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    assert inputs["format"] == FORMAT_VERSION
    assert inputs["folding_fingerprint"] == folding_rules_sha256()


def test_another_format_version_is_refused_with_the_rebuild_command(tmp_path: Path) -> None:
    build = _copy_with_manifest(tmp_path, format=FORMAT_VERSION - 1)
    with pytest.raises(GazetteerNotBuilt) as info:
        Gazetteer(build)
    assert f"format {FORMAT_VERSION - 1}" in str(info.value)
    assert "conflictmap gazetteer build" in str(info.value)
    assert isinstance(info.value, DataMissingError) and isinstance(info.value, ConflictmapError)


def test_other_folding_rules_are_refused(tmp_path: Path) -> None:
    build = _copy_with_manifest(tmp_path, folding_fingerprint="0" * 64)
    with pytest.raises(GazetteerNotBuilt, match="name-folding rules"):
        Gazetteer(build)


def test_a_missing_manifest_is_refused(tmp_path: Path) -> None:
    build = _copy_with_manifest(tmp_path)
    (build / "manifest.json").unlink()
    with pytest.raises(GazetteerNotBuilt, match="manifest"):
        Gazetteer(build)


def test_the_fingerprint_follows_what_folding_does(monkeypatch: pytest.MonkeyPatch) -> None:
    before = folding_rules_sha256()
    monkeypatch.setattr(lookup, "fold", lambda name: name.lower())
    assert folding_rules_sha256() != before


def test_a_missing_artefact_names_the_folder_and_the_command(tmp_path: Path) -> None:
    shutil.rmtree(tmp_path, ignore_errors=True)
    with pytest.raises(GazetteerNotBuilt) as info:
        Gazetteer(tmp_path / "nowhere")
    assert "nowhere" in str(info.value) and "conflictmap gazetteer build" in str(info.value)
