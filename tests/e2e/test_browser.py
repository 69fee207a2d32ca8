"""The real dashboard in headless Chromium: the map loads offline, moving the date changes it, and an
annotation made by clicking the map survives a reload. Screenshots go to tests/e2e/screenshots/.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.requires_gazetteer]

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
SCREENSHOTS = Path(__file__).parent / "screenshots"


def _outside(requests: list[str]) -> list[str]:
    return [
        u
        for u in requests
        if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).hostname not in LOCAL_HOSTS
    ]


def _map(page):
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    return frame


def _wait_idle(page, timeout_ms: int = 30_000) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=timeout_ms)


def _wait_for_annotation(db: Path, action: str, analyst: str, timeout_s: float = 30.0) -> None:
    """Poll the SQLite file until the page has stored the annotation (the UI writes it at once)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        con = sqlite3.connect(db)
        try:
            hit = con.execute(
                "SELECT 1 FROM annotations WHERE action = ? AND analyst = ?", (action, analyst)
            ).fetchone()
        finally:
            con.close()
        if hit:
            return
        time.sleep(0.3)
    raise AssertionError(f"no {action!r} annotation by {analyst!r} stored within {timeout_s} s")


def _event_markers(frame, expected_min: int = 1, timeout_ms: int = 30_000) -> int:
    frame.locator(".cm-ev").first.wait_for(timeout=timeout_ms)
    return frame.locator(".cm-ev").count()


def test_map_loads_offline_and_the_date_changes_it(app_url: str, page) -> None:
    page.goto(f"{app_url}/?date=2021-08-11")
    frame = _map(page)
    _wait_idle(page)
    n_before = _event_markers(frame)
    page.screenshot(path=str(SCREENSHOTS / "map_2021-08-11.png"), full_page=True)

    page.goto(f"{app_url}/?date=2021-08-13")
    frame = _map(page)
    _wait_idle(page)
    frame.locator('[title^="Kandah"]').first.wait_for(timeout=30_000)
    n_after = _event_markers(frame)
    page.screenshot(path=str(SCREENSHOTS / "map_2021-08-13.png"), full_page=True)
    assert n_after > n_before >= 1
    # the capture is new since the previous step, so it is emphasised
    assert frame.locator(".cm-new").count() >= 1
    # basemap drawn from the bundled boundaries (no tiles)
    assert frame.locator("img.leaflet-tile").count() == 0
    assert frame.locator(".leaflet-overlay-pane path").count() > 50

    # switch the mentions off, then move the date back one day with the slider's keyboard control:
    # the map updates in place (Kandahar's capture disappears) and the mentions stay off
    frame.locator(".leaflet-control-layers label", has_text="Mentions (clustered)").click()
    assert frame.locator(".marker-cluster").count() == 0
    page.get_by_role("slider", name="Date").first.focus()
    page.keyboard.press("ArrowLeft")
    frame.locator('[title^="Kandah"]').first.wait_for(state="detached", timeout=30_000)
    _wait_idle(page)
    assert _event_markers(frame) == n_before
    assert frame.locator(".marker-cluster").count() == 0
    assert (
        not frame.locator(".leaflet-control-layers label", has_text="Mentions (clustered)")
        .locator("input")
        .is_checked()
    )
    page.screenshot(path=str(SCREENSHOTS / "slider_moved_mentions_off.png"), full_page=True)

    outside = _outside(page.requests_seen)
    assert not outside, f"requests left the machine: {outside[:5]}"


def test_click_a_place_annotate_reload_and_see_it(app_url: str, page, e2e_db: Path) -> None:
    page.goto(f"{app_url}/?date=2021-08-13")
    frame = _map(page)
    _wait_idle(page)

    analyst = page.get_by_role("textbox", name="Analyst name")
    analyst.fill("E2E Analyst")
    analyst.press("Enter")
    _wait_idle(page)

    frame = _map(page)
    marker = frame.locator('[title^="Kandah"]').first
    marker.wait_for(timeout=30_000)
    marker.click()
    # the click selects the place: the side panel offers its items for annotation
    page.get_by_text("Item at this place").wait_for(timeout=30_000)
    _wait_idle(page)
    page.screenshot(path=str(SCREENSHOTS / "selected_place.png"), full_page=True)

    note = page.get_by_role("textbox", name="Note")
    note.fill("seen in the browser test")
    page.get_by_role("button", name="Add note").click()
    _wait_for_annotation(e2e_db, "note", "E2E Analyst")
    # wait until the rerun has drawn the item's history, so the next click lands on the new page state
    page.get_by_text(re.compile(r"note\s+text=seen in the browser test")).first.wait_for(timeout=30_000)
    _wait_idle(page)
    page.get_by_role("button", name="Confirm").click()
    _wait_for_annotation(e2e_db, "confirm", "E2E Analyst")
    _wait_idle(page)
    # the panel lists the item's history, newest first
    page.get_by_text(re.compile(r"confirm\s+— E2E Analyst")).first.wait_for(timeout=30_000)
    page.screenshot(path=str(SCREENSHOTS / "annotated.png"), full_page=True)

    page.reload()
    frame = _map(page)
    _wait_idle(page)
    page.get_by_role("tab", name="Annotation history").click()
    history = page.get_by_text(re.compile(r"confirm.*E2E Analyst"))
    history.first.wait_for(timeout=30_000)
    # the selected place's panel and the map popup carry the annotation status too
    frame = _map(page)
    frame.locator('[title^="Kandah"]').first.click()
    page.get_by_text(re.compile(r"Status: confirmed")).first.wait_for(timeout=30_000)
    _wait_idle(page)
    frame = _map(page)
    frame.locator('[title^="Kandah"]').first.click()  # same marker again: no rerun, the popup stays
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=15_000)
    assert "confirmed by analyst" in popup.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "after_reload.png"), full_page=True)

    outside = _outside(page.requests_seen)
    assert not outside, f"requests left the machine: {outside[:5]}"
