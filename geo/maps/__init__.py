"""From stored events to maps' data: control intervals per place (`timeline`) and GeoDataFrames at a date
(`layers`), with analysts' annotations applied."""
