"""Exports: static maps and GIS data (GeoJSON, GeoPackage, CSV, KML, standalone HTML) with annotations
applied."""
