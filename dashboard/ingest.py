"""Ingest from the page: uploaded files or pasted text go through the same engine as `conflictmap ingest`
(`geo.ingest`: reader, geoparser, store, rejected inputs with reasons), and every file gets its own line
in the report (new / unchanged / rejected + reason).

Only presentation lives here: turning uploads into something the reader accepts, and the engine's
per-article outcomes into one line per file.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import ConflictmapError
from geo.ingest import Outcome, ingest_items
from geo.model import Article
from geo.parse.articles import ArticleError, Rejected, article_from_text, read_paths
from geo.store import Store


@dataclass(slots=True)
class FileReport:
    """What happened to one uploaded file or the pasted text."""

    source: str
    status: str  # "new", "unchanged", "updated", "rejected", "partly new"
    articles: int = 0
    mentions: int = 0
    events: int = 0
    reason: str = ""


@dataclass(slots=True)
class IngestReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def new(self) -> int:
        return sum(f.articles for f in self.files if f.status in ("new", "partly new", "updated"))

    @property
    def rejected(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "rejected"]

    def summary(self) -> str:
        unchanged = sum(1 for f in self.files if f.status == "unchanged")
        mentions = sum(f.mentions for f in self.files)
        events = sum(f.events for f in self.files)
        return (
            f"{self.new} new article(s), {unchanged} unchanged file(s), {len(self.rejected)} rejected; "
            f"{mentions} mentions, {events} events stored"
        )


def _file_reports(source: str, outcomes: list[Outcome]) -> list[FileReport]:
    """One line for the articles of `source` (if it had any), then one per rejected input or record."""
    stored = [o for o in outcomes if o.status != "rejected"]
    reports: list[FileReport] = []
    if stored:
        statuses = {o.status for o in stored}
        if statuses == {"unchanged"}:
            status = "unchanged"
        elif "unchanged" in statuses:
            status = "partly new"
        else:
            status = "new" if "new" in statuses else "updated"
        reports.append(
            FileReport(
                source=source,
                status=status,
                articles=sum(o.status != "unchanged" for o in stored),
                mentions=sum(o.mentions for o in stored),
                events=sum(o.events for o in stored),
            )
        )
    reports += [
        FileReport(source=o.source, status="rejected", reason=o.reason) for o in outcomes if o not in stored
    ]
    return reports


def _uploaded_articles(name: str, data: bytes) -> tuple[list[Article], list[Rejected]]:
    """Read one upload with exactly the CLI's reader (`geo.parse.articles.read_paths` on a file), so that the
    same files are accepted, and bad records inside a collection are reported the same way.

    The bytes go to a private temporary file named like the upload; sources are renamed back to the
    upload's name so the store never records a temporary path.
    """
    safe = Path(name).name or "upload.txt"
    articles: list[Article] = []
    rejected: list[Rejected] = []
    with tempfile.TemporaryDirectory(prefix="conflictmap-upload-") as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        prefix = str(path)
        for item in read_paths([path]):
            if isinstance(item, Rejected):
                rejected.append(Rejected(item.source.replace(prefix, name, 1), item.reason))
            else:
                item.source = item.source.replace(prefix, name, 1)
                articles.append(item)
    return articles, rejected


def ingest_uploads(
    store: Store,
    uploads: list[tuple[str, bytes]],
    pasted: str = "",
    pasted_title: str = "",
    pasted_date: str = "",
) -> IngestReport:
    """Ingest uploaded (name, bytes) pairs and optional pasted text; one FileReport per input (and one per
    bad record inside a collection)."""
    report = IngestReport()
    for name, data in uploads:
        try:
            articles, rejected = _uploaded_articles(name, data)
            report.files.extend(_file_reports(name, ingest_items(store, [*articles, *rejected])))
        except ConflictmapError as exc:  # e.g. the gazetteer is missing: the reason, not a traceback
            report.files.append(FileReport(source=name, status="rejected", reason=str(exc)))
    if pasted and pasted.strip():
        source = "<pasted>"
        try:
            article = article_from_text(
                pasted, source=source, title=pasted_title or None, date=pasted_date or None
            )
            report.files.extend(_file_reports(source, ingest_items(store, [article])))
        except ArticleError as exc:
            report.files.append(FileReport(source=source, status="rejected", reason=exc.reason))
        except ConflictmapError as exc:
            report.files.append(FileReport(source=source, status="rejected", reason=str(exc)))
    return report
