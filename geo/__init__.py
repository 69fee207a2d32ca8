"""conflictmap's domain package: gazetteer, geocoder, geoparser, store, layers and exports.

Data flows one way: articles -> mentions -> places -> events -> store -> layers -> map/export.
"""

__version__ = "0.1.0"
