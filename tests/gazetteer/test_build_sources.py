"""Where the build's npm tarballs come from: npm when installed, else HTTPS; sha512 checked either way."""

from __future__ import annotations

import base64
import hashlib
import io
import logging

import pytest

from geo.errors import ConflictmapError, SourceIntegrityError
from geo.gazetteer import build

pytestmark = pytest.mark.requires_gazetteer

PAYLOAD = b"pretend this is a tarball"
SRI = "sha512-" + base64.b64encode(hashlib.sha512(PAYLOAD).digest()).decode()


@pytest.fixture()
def no_npm(monkeypatch: pytest.MonkeyPatch, tmp_path):
    """No npm on the PATH, a private cache folder, and a registry that records what was asked."""
    requested: list[str] = []

    def urlopen(url: str, timeout: float):
        requested.append(url)
        return io.BytesIO(PAYLOAD)

    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    monkeypatch.setattr(build.urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(build, "cache_dir", lambda: tmp_path)
    return requested


def test_without_npm_the_pinned_tarball_comes_from_the_registry(
    no_npm, monkeypatch, tmp_path, caplog
) -> None:
    monkeypatch.setitem(
        build.NPM_PACKAGES, "some-pkg", {"version": "1.2.3", "integrity": SRI, "licence": "-"}
    )
    with caplog.at_level(logging.INFO, logger="geo.gazetteer.build"):
        path = build.npm_tarball("some-pkg")
    assert no_npm == ["https://registry.npmjs.org/some-pkg/-/some-pkg-1.2.3.tgz"]
    assert path == tmp_path / "some-pkg-1.2.3.tgz" and path.read_bytes() == PAYLOAD
    assert any("download https://registry.npmjs.org/some-pkg" in r.getMessage() for r in caplog.records)
    build.npm_tarball("some-pkg")  # cached: no second download
    assert len(no_npm) == 1


def test_a_tarball_that_does_not_match_its_hash_is_refused_and_removed(no_npm, monkeypatch, tmp_path) -> None:
    wrong = "sha512-" + base64.b64encode(hashlib.sha512(b"other").digest()).decode()
    monkeypatch.setitem(
        build.NPM_PACKAGES, "some-pkg", {"version": "1.2.3", "integrity": wrong, "licence": "-"}
    )
    with pytest.raises(SourceIntegrityError, match="integrity mismatch") as info:
        build.npm_tarball("some-pkg")
    assert isinstance(info.value, ConflictmapError) and not isinstance(info.value, SystemExit)
    assert not (tmp_path / "some-pkg-1.2.3.tgz").exists()


def test_every_pinned_package_has_a_sha512() -> None:
    assert all(spec["integrity"].startswith("sha512-") for spec in build.NPM_PACKAGES.values())


def _fake_npm(folder, script: str) -> None:
    """An `npm` executable on the PATH that behaves as `script` says (a shell body)."""
    npm = folder / "npm"
    npm.write_text("#!/bin/sh\n" + script)
    npm.chmod(0o755)


def test_npm_pack_keeps_its_file_listing_off_the_terminal(monkeypatch, tmp_path, capfd) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    # like npm 10+: every file of the tarball as an "npm notice" line on stderr, the tarball in the cwd
    _fake_npm(bindir, 'for i in 1 2 3; do echo "npm notice 1kB data/file$i.json" >&2; done\n'
              'printf "pretend this is a tarball" > "$5/some-pkg-1.2.3.tgz"\n')  # fmt: skip
    monkeypatch.setenv("PATH", f"{bindir}:/usr/bin:/bin")
    monkeypatch.setattr(build, "cache_dir", lambda: tmp_path)
    monkeypatch.setitem(
        build.NPM_PACKAGES, "some-pkg", {"version": "1.2.3", "integrity": SRI, "licence": "-"}
    )
    assert build.npm_tarball("some-pkg").read_bytes() == PAYLOAD
    assert "npm notice" not in capfd.readouterr().err


def test_a_failing_npm_pack_says_why_in_one_line(monkeypatch, tmp_path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    said = [
        "npm error code E404",
        "npm error 404 Not Found - GET some-pkg",
        "npm error A complete log: /x.log",
    ]
    _fake_npm(bindir, "".join(f'echo "{line}" >&2\n' for line in said) + "exit 1\n")
    monkeypatch.setenv("PATH", f"{bindir}:/usr/bin:/bin")
    monkeypatch.setattr(build, "cache_dir", lambda: tmp_path)
    monkeypatch.setitem(
        build.NPM_PACKAGES, "some-pkg", {"version": "1.2.3", "integrity": SRI, "licence": "-"}
    )
    with pytest.raises(ConflictmapError) as info:
        build.npm_tarball("some-pkg")
    message = str(info.value)
    assert "E404" in message and "404 Not Found" in message and "complete log" not in message
    assert "\n" not in message
