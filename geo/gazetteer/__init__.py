"""The offline world gazetteer: build it from pinned sources, load the artefact, look names up.

Rooms: `build` (pinned sources -> artefact), `lookup` (the memory-mapped artefact and its name index),
`normalize` (name folding shared by build and lookup), `geocoder` (the geopy `Geocoder` over it),
`curated/` (hand-kept data such as `aliases.csv`, shipped as package data).
"""
