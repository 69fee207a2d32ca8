"""Drawing: the palette and symbols, the static map (matplotlib) and the Leaflet map used by both the
dashboard and the standalone HTML export."""
