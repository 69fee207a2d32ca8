"""The dashboard with a credentials file ($CONFLICTMAP_CREDENTIALS): login first, the login is the analyst
name, a viewer cannot annotate. Without the variable the page is open as before (the other tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.annotate import panel_key
from geo.credentials import add_user
from geo.store import Store
from tests.fixtures.dashboard import APP, folium_args

pytestmark = pytest.mark.requires_gazetteer

TIMEOUT = 120


@pytest.fixture
def credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "users.json"
    add_user(path, "amina", "correct horse", "analyst")
    add_user(path, "victor", "battery staple", "viewer")
    monkeypatch.setenv("CONFLICTMAP_CREDENTIALS", str(path))
    return path


def _login(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="login_name").set_value(name)
    at.text_input(key="login_password").set_value(password)
    at.button[0].click().run()  # the form's submit button
    return at


def _kandahar_event(db: Path) -> dict:
    with Store(db) as store:
        ev = store.events_df()
    return ev[ev["place"].astype(str).str.startswith("Kandah")].iloc[0].to_dict()


def _select(at: AppTest, row: dict) -> None:
    at.session_state["sel_point"] = (float(row["latitude"]), float(row["longitude"]))
    at.session_state["selected"] = {"type": "event", "key": row["target_key"]}
    at.run()


def test_only_the_login_form_until_a_correct_login(seed_db: Path, credentials: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["date"] = "2021-08-12"
    at.run()
    assert not at.exception
    # nothing of the store: no map, no sidebar, no filters; only the form
    assert not at.get("component_instance")
    assert [w.label for w in at.text_input] == ["User name", "Password"]
    assert not at.sidebar.children or not list(at.sidebar)
    assert not at.multiselect and not at.slider and not at.tabs

    _login(at, "amina", "wrong password")
    assert not at.exception
    assert [e.value for e in at.error] == ["Wrong user name or password."]
    assert not at.get("component_instance")
    _login(at, "nobody", "correct horse")
    assert not at.get("component_instance")

    _login(at, "amina", "correct horse")
    assert not at.exception
    assert folium_args(at)  # the map is there now
    assert "Signed in as amina (analyst)" in [t.value for t in at.sidebar.text]
    # the free-text analyst name is gone: the login is the name
    assert "analyst" not in [w.key for w in at.text_input]


def test_an_analysts_annotation_carries_the_login(seed_db: Path, credentials: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["date"] = "2021-08-12"
    at.run()
    _login(at, "amina", "correct horse")
    row = _kandahar_event(seed_db)
    _select(at, row)
    at.button(key=f"{panel_key('event', row['target_key'])}_confirm").click().run()
    assert not at.exception
    with Store(seed_db) as store:
        history = store.annotation_history("event", row["target_key"])
    assert list(history["analyst"]) == ["amina"]
    assert list(history["action"]) == ["confirm"]


def test_a_viewer_sees_no_annotation_or_ingest_controls(seed_db: Path, credentials: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["date"] = "2021-08-12"
    at.run()
    _login(at, "victor", "battery staple")
    row = _kandahar_event(seed_db)
    _select(at, row)
    assert not at.exception
    assert "Signed in as victor (viewer)" in [t.value for t in at.sidebar.text]
    # the item is described, but no control that writes exists on the page
    assert any("Kandah" in m.value for m in at.markdown)
    prefix = panel_key("event", row["target_key"])
    keys = {w.key for w in (*at.button, *at.text_input, *at.text_area, *at.get("file_uploader")) if w.key}
    assert not any(k.startswith(prefix) for k in keys), keys
    assert not {"ann_upload", "ann_import", "ingest_files", "ingest_go", "analyst"} & keys
    labels = {b.label for b in at.button}
    assert not labels & {"Confirm", "Reject event", "Add note", "Undo", "Ingest", "Import"}, labels
