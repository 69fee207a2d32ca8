"""KML 2.2 for Google Earth: folders of events and control, time stamps, every field in ExtendedData.

Event icons take their colour from the kind registry (`geo.kinds`), as on the static map.

Every text and attribute value goes through `xml_text`: escaping `<` and `&` is not enough, because XML
1.0 forbids most control characters outright (ESC, \\x01, \\x0b, ... even as `&#1;`), and one of them in an
article title made the whole file unreadable for Google Earth. They are dropped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd

from geo.export.frames import clean_scalar
from geo.export.writers import DataJob
from geo.kinds import KINDS


def write(job: DataJob, path: Path) -> None:
    write_kml({"events": job.frames["events"], "control": job.frames["control"]}, path, job.title)


def kml_colour(hex_colour: str) -> str:
    """#rrggbb as KML's opaque aabbggrr."""
    return "ff" + hex_colour[5:7] + hex_colour[3:5] + hex_colour[1:3]


def _kml_when(date: str | None, precision: str | None) -> str | None:
    """KML's <when> takes gYear, gYearMonth or date: say exactly what the source says, no more."""
    if not date:
        return None
    if precision == "year":
        return date[:4]
    if precision == "month":
        return date[:7]
    return date[:10]


# Characters XML 1.0 does not allow anywhere (https://www.w3.org/TR/xml/#charsets): C0 controls other than
# tab, newline and carriage return, lone surrogates, U+FFFE and U+FFFF.
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: Any) -> str:
    """`value` as XML text or attribute content: invalid characters dropped, markup characters escaped."""
    return html.escape(_XML_INVALID.sub("", str(value)), quote=True)


_x = xml_text


def kml_text(frames: dict[str, gpd.GeoDataFrame], title: str) -> Iterator[str]:
    """KML 2.2 with one Folder per layer; every field goes into ExtendedData so nothing is lost.

    Placemarks carry a TimeStamp (Google Earth's time slider replays an offensive with it) at the
    precision the source gives (year, month or day). Streamed as text: building an ElementTree for
    10,000 placemarks x 30 fields takes ten times longer and holds it all in memory.
    """
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n<Document>\n'
    yield f"<name>{_x(title)}</name>\n"
    for kind in KINDS:
        yield (
            f'<Style id="event-{kind.name}"><IconStyle><color>{kml_colour(kind.colour)}</color>'
            "<scale>0.8</scale></IconStyle></Style>\n"
        )
    for layer, frame in frames.items():
        yield f"<Folder><name>{_x(layer)}</name>\n"
        columns = [c for c in frame.columns if c != "geometry"]
        for rec in frame[columns].itertuples(index=False, name=None):
            row = dict(zip(columns, rec, strict=True))
            if layer == "events":
                label = f"{row.get('kind') or 'event'}: {row.get('place') or '?'}"
                when = _kml_when(row.get("event_date"), row.get("date_precision"))
                desc = row.get("evidence")
            elif layer == "control":
                label = f"{row.get('place') or '?'} ({row.get('controller') or 'no holder'})"
                when = _kml_when(row.get("since"), row.get("since_precision"))
                desc = row.get("evidence")
            else:
                label = str(row.get("place") or row.get("text") or "?")
                when, desc = None, None
            parts = [f"<Placemark><name>{_x(label)}</name>"]
            if isinstance(desc, str) and desc:
                parts.append(f"<description>{_x(desc)}</description>")
            if when:
                parts.append(f"<TimeStamp><when>{_x(when)}</when></TimeStamp>")
            if layer == "events":
                parts.append(f"<styleUrl>#event-{_x(row.get('kind') or 'other')}</styleUrl>")
            parts.append("<ExtendedData>")
            for key, value in row.items():
                value = clean_scalar(value)
                if value is None:
                    continue
                parts.append(f'<Data name="{_x(key)}"><value>{_x(value)}</value></Data>')
            parts.append("</ExtendedData>")
            lon, lat = clean_scalar(row.get("longitude")), clean_scalar(row.get("latitude"))
            if lon is not None and lat is not None:
                parts.append(f"<Point><coordinates>{float(lon)!r},{float(lat)!r}</coordinates></Point>")
            parts.append("</Placemark>\n")
            yield "".join(parts)
        yield "</Folder>\n"
    yield "</Document>\n</kml>\n"


def write_kml(frames: dict[str, gpd.GeoDataFrame], path: Path, title: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(kml_text(frames, title))
