"""Sign-in for the dashboard when a credentials file is configured ($CONFLICTMAP_CREDENTIALS).

Without credentials the app behaves as it always did on 127.0.0.1 (anyone at this machine, a free-text
analyst name). With them, nothing but the login form is drawn until a correct name and password are
given; the session then remembers the user, whose login becomes the analyst name on every annotation,
and a `viewer` sees no annotation or ingest controls. An app bound to a network address without
credentials (e.g. `streamlit run` with `--server.address 0.0.0.0` by hand, bypassing the launcher's check)
shows an error and nothing else.
"""

from __future__ import annotations

import streamlit as st

from dashboard.safe import md
from geo.credentials import CredentialsError, User, configured_path, is_loopback, require_users, verify

SESSION_KEY = "auth_user"


def current_user() -> User | None:
    user = st.session_state.get(SESSION_KEY)
    return user if isinstance(user, User) else None


def sign_out() -> None:
    for key in (SESSION_KEY, "analyst"):
        st.session_state.pop(key, None)


def require_login() -> User | None:
    """The signed-in user, None in the open (loopback, no credentials) mode; otherwise stops the page."""
    path = configured_path()
    if path is None:
        if not is_loopback(st.get_option("server.address")):
            st.error(
                "This dashboard is served on a network without a login. Start it with "
                "`conflictmap dashboard --address ADDR --credentials FILE`."
            )
            st.stop()
        return None
    user = current_user()
    if user is not None:
        return user
    st.title("conflictmap")
    with st.form("login"):
        name = st.text_input("User name", key="login_name")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        try:
            found = verify(require_users(path), name or "", password or "")
        except CredentialsError as exc:
            st.error(f"Sign-in is not possible: {md(exc)}")
            st.stop()
        if found is None:
            st.error("Wrong user name or password.")
        else:
            st.session_state[SESSION_KEY] = found
            st.rerun()
    st.stop()
    return None  # pragma: no cover (st.stop raises)
