"""Ingest from the page: uploaded files or pasted text go through the same reader, geoparser and store as
`conflictmap ingest`, and every file gets its own line in the report (new / unchanged / rejected + reason).

The loop below is only orchestration (read -> parse -> store, catching each file's error); the domain work
is `geo.parse.articles`, `geo.parse.pipeline` and `geo.store.sqlite`.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

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


def _store_articles(store: Store, source: str, articles: list[Article]) -> FileReport:
    from geo.parse.pipeline import parse_article

    report = FileReport(source=source, status="unchanged")
    statuses: set[str] = set()
    for article in articles:
        if store.has_article(article.content_hash) is not None:
            statuses.add("unchanged")
            continue
        outcome = store.ingest(parse_article(article))
        statuses.add(outcome.status)
        if outcome.status != "unchanged":
            report.articles += 1
        report.mentions += outcome.mentions
        report.events += outcome.events
    if statuses == {"unchanged"} or not statuses:
        report.status = "unchanged"
    elif "unchanged" in statuses:
        report.status = "partly new"
    else:
        report.status = "new" if "new" in statuses else "updated"
    return report


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
            if articles:
                report.files.append(_store_articles(store, name, articles))
            report.files.extend(
                FileReport(source=r.source, status="rejected", reason=r.reason) for r in rejected
            )
        except Exception as exc:  # one bad file must not stop the others (the CLI behaves the same)
            report.files.append(
                FileReport(source=name, status="rejected", reason=f"{type(exc).__name__}: {exc}")
            )
    if pasted and pasted.strip():
        source = "<pasted>"
        try:
            article = article_from_text(
                pasted, source=source, title=pasted_title or None, date=pasted_date or None
            )
            report.files.append(_store_articles(store, source, [article]))
        except ArticleError as exc:
            report.files.append(FileReport(source=source, status="rejected", reason=exc.reason))
        except Exception as exc:
            report.files.append(
                FileReport(source=source, status="rejected", reason=f"{type(exc).__name__}: {exc}")
            )
    return report
