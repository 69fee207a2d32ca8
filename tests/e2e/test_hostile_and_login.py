"""In Chromium: a store whose article title, evidence, note and analyst name carry Markdown images and
<img> tags makes the page request nothing outside 127.0.0.1 and hold no outside <img>; and with a
credentials file the page is a login form until someone signs in. Screenshots go to tests/e2e/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from geo.credentials import add_user
from tests.dashboard.hostile import HOST, add_hostile_article
from tests.e2e.conftest import SCREENSHOTS, serve_dashboard
from tests.e2e.test_browser import _map, _outside, _wait_idle
from tests.fixtures.dashboard import build_seed_store

pytestmark = [pytest.mark.e2e, pytest.mark.requires_gazetteer]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, e2e_db: Path) -> Iterator[tuple[str, int]]:
    folder = tmp_path_factory.mktemp("hostile")
    db = build_seed_store(folder / "store.sqlite", extra_dated=False)
    aid, _ = add_hostile_article(db)
    with serve_dashboard(db, folder / "streamlit.log") as url:
        yield url, aid


def _outside_images(page) -> list[str]:
    srcs = page.eval_on_selector_all("img", "els => els.map(e => e.src)")
    return [s for s in srcs if urlparse(s).hostname not in (None, "127.0.0.1", "localhost")]


def test_hostile_text_makes_no_outside_request(hostile, page) -> None:
    url, aid = hostile
    page.goto(f"{url}/?article={aid}&date=2021-08-13")
    frame = _map(page)
    _wait_idle(page)
    # the title is shown as text in the reader
    page.locator("h4", has_text="Kandahar falls").first.wait_for(timeout=30_000)
    frame.locator('[title^="Kandah"]').first.click()
    page.get_by_text("Item at this place").wait_for(timeout=30_000)
    _wait_idle(page)
    page.screenshot(path=str(SCREENSHOTS / "hostile_reader.png"), full_page=True)
    page.get_by_role("tab", name="Annotation history").click()
    page.get_by_text("analyst.png").first.wait_for(timeout=30_000)
    _wait_idle(page)
    page.screenshot(path=str(SCREENSHOTS / "hostile_history.png"), full_page=True)

    assert not [u for u in page.requests_seen if HOST in u]
    assert not _outside(page.requests_seen), _outside(page.requests_seen)[:5]
    assert not _outside_images(page)
    assert page.locator(f'a[href*="{HOST}"]').count() == 0  # shown as text, not even as a link
    for frame_ in page.frames:  # the map iframe too
        assert not [s for s in frame_.eval_on_selector_all("img", "els => els.map(e => e.src)") if HOST in s]


def test_with_credentials_the_page_is_a_login_form_first(e2e_db: Path, tmp_path: Path, page) -> None:
    creds = tmp_path / "users.json"
    add_user(creds, "amina", "correct horse", "analyst")
    with serve_dashboard(e2e_db, tmp_path / "login.log", CONFLICTMAP_CREDENTIALS=str(creds)) as url:
        page.goto(f"{url}/?date=2021-08-13")
        page.get_by_role("textbox", name="User name").wait_for(timeout=60_000)
        _wait_idle(page)
        page.screenshot(path=str(SCREENSHOTS / "login.png"), full_page=True)
        assert page.locator('iframe[title="streamlit_folium.st_folium"]').count() == 0
        page.get_by_role("textbox", name="User name").fill("amina")
        page.get_by_role("textbox", name="Password").fill("correct horse")
        page.get_by_role("button", name="Sign in").click()
        _map(page)
        page.get_by_text("Signed in as amina (analyst)").wait_for(timeout=30_000)
        assert page.get_by_role("textbox", name="Analyst name").count() == 0
        assert not _outside(page.requests_seen)
