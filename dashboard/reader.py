"""Article reader: the article list and the full text with every place mention highlighted by status.

The text is escaped piece by piece (`dashboard.safe.html_text`) and only our own <mark> tags are added, so
an article containing HTML or script is shown as text, never run.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.safe import html_text

# Below this resolver confidence a resolved mention is shown as "low confidence" for the analyst to check.
LOW_CONFIDENCE = 0.5

STATUS_STYLE = {
    "resolved": "background:#c8e6c9;border-bottom:2px solid #2e7d32",
    "low": "background:#ffe0b2;border-bottom:2px dashed #e65100",
    "rejected": "background:#ffcdd2;text-decoration:line-through",
    "annotated": "background:#bbdefb;border-bottom:2px solid #0d47a1",
    "dateline": "background:#eeeeee;border-bottom:2px dotted #000",
}
STATUS_LABEL = {
    "resolved": "resolved",
    "low": "low confidence",
    "rejected": "rejected (not a place)",
    "annotated": "annotated by an analyst",
    "dateline": "dateline (filed from)",
}


def mention_status(row: Any) -> str:
    """One of resolved / low / rejected / annotated / dateline for a mentions_df row."""
    status = str(row.get("status") or "auto")
    if status == "rejected":
        return "rejected"
    if status in ("confirmed", "edited"):
        return "annotated"
    if row.get("role") == "dateline":
        return "dateline"
    lat = row.get("latitude")
    conf = row.get("confidence")
    unresolved = lat is None or (isinstance(lat, float) and math.isnan(lat))
    if unresolved or conf is None or float(conf) < LOW_CONFIDENCE:
        return "low"
    return "resolved"


def legend_html() -> str:
    parts = [
        f'<mark style="{STATUS_STYLE[k]};padding:0 3px">{html_text(v)}</mark>'
        for k, v in STATUS_LABEL.items()
    ]
    return '<div style="font-size:0.85em">' + " ".join(parts) + "</div>"


def highlight_html(text: str, mentions: pd.DataFrame, selected_key: str | None = None) -> str:
    """The article text as HTML with each mention in a <mark> coloured by its status.

    Overlapping spans are resolved by keeping the earlier (then longer) one; offsets index `text`.
    """
    spans: list[tuple[int, int, dict]] = []
    if mentions is not None and len(mentions):
        ordered = mentions.sort_values(["start", "end"], ascending=[True, False])
        last_end = -1
        for row in ordered.to_dict("records"):
            start, end = int(row["start"]), int(row["end"])
            if start < last_end or start < 0 or end > len(text) or end <= start:
                continue
            spans.append((start, end, row))
            last_end = end
    out: list[str] = []
    pos = 0
    for start, end, row in spans:
        out.append(html_text(text[pos:start]))
        status = mention_status(row)
        style = STATUS_STYLE[status]
        if selected_key is not None and row.get("target_key") == selected_key:
            style += ";outline:3px solid #6a1b9a"
        name = row.get("name")
        tip = STATUS_LABEL[status]
        if isinstance(name, str) and name:
            tip = f"{name} - {tip}"
        conf = row.get("confidence")
        if conf is not None and not (isinstance(conf, float) and math.isnan(conf)):
            tip += f" ({float(conf):.2f})"
        out.append(
            f'<mark class="cm-{status}" title="{html_text(tip)}" style="{style};padding:0 2px">'
            f"{html_text(text[start:end])}</mark>"
        )
        pos = end
    out.append(html_text(text[pos:]))
    body = "".join(out).replace("\n", "<br>")
    return f'<div class="cm-article" style="line-height:1.6;max-height:560px;overflow:auto">{body}</div>'


def article_table(articles: pd.DataFrame) -> pd.DataFrame:
    """The list shown above the reader: date, title, language, counts."""
    if articles is None or articles.empty:
        return pd.DataFrame(columns=["date", "title", "language", "mentions", "events"])
    df = pd.DataFrame(
        {
            "id": articles["article_id"],
            "date": [
                _date_label(d, p) for d, p in zip(articles["date"], articles["date_precision"], strict=False)
            ],
            "title": [
                t if isinstance(t, str) and t else Path(str(src)).name
                for t, src in zip(articles["title"], articles["source"], strict=False)
            ],
            "language": articles["language"],
            "mentions": articles["n_mentions"],
            "events": articles["n_events"],
        }
    )
    return df.reset_index(drop=True)


def article_label(row: Any) -> str:
    """'2021-08-10 · Washington (AP) – Despite …' for select boxes (file name when there is no title)."""
    title = row.get("title")
    if not isinstance(title, str) or not title.strip():
        title = Path(str(row.get("source", ""))).name
    if len(title) > 70:
        title = title[:67] + "..."
    return f"{_date_label(row.get('date'), row.get('date_precision'))} · {title}"


def _date_label(value: Any, precision: Any) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "undated"
    try:
        if pd.isna(value):
            return "undated"
    except (TypeError, ValueError):
        pass
    text = pd.Timestamp(value).date().isoformat()
    if precision == "month":
        return text[:7]
    if precision == "year":
        return text[:4]
    return text
