"""Streamlit dashboard: presentation only; every domain decision is delegated to `geo`."""
