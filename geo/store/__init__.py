"""The store: articles, mentions, events and analysts' annotations, behind one interface.

`base` defines what every reader and writer may use (`StoreBackend`); `sqlite` is the embedded default.
"""
