"""Distances on the sphere, in one place.

Why two functions: `great_circle_km` (geopy's own great-circle distance) is for the places where
correctness matters more than speed (the geocoder's proximity bias, tests). `fast_km` is the
equirectangular approximation the resolver runs millions of times per corpus: within a few per cent of
the great circle at the few-hundred-km scales where article coherence is judged, and ten times faster.
"""

from __future__ import annotations

import math

from geopy.distance import great_circle

__all__ = ["EARTH_RADIUS_KM", "great_circle_km", "fast_km"]

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius, as geopy uses


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (geopy)."""
    return float(great_circle((lat1, lon1), (lat2, lon2)).km)


def fast_km(lat1: float, lon1: float, lat2: float, lon2: float, radius: float = 6371.0) -> float:
    """Equirectangular distance in kilometres, antimeridian-safe; for hot loops only."""
    lat = math.radians((lat1 + lat2) / 2)
    dx = math.radians(lon2 - lon1)
    dx = (dx + math.pi) % (2 * math.pi) - math.pi
    dy = math.radians(lat2 - lat1)
    return radius * math.hypot(dx * math.cos(lat), dy)
