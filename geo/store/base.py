"""What every reader and writer of the store may use: the `StoreBackend` protocol and its value types.

Why it exists: layers, exports, the CLI, the dashboard and the benchmarks need one contract that does not
name SQLite, so that a second backend (PostgreSQL/PostGIS for teams) can be added without touching them,
and so that none of them reaches into a backend's private members. The SQLite backend
(`geo.store.sqlite.Store`) implements it today; the annotation fold both share is in `geo.store.annotations`.
Nothing here knows SQL.

Stable target keys (``target_key`` column of ``mentions_df``/``events_df``; what annotations are keyed by):

* mention: ``"<content_hash>:<start>:<end>"``
* event:   ``"<content_hash>:<evidence_start>:<mention_start or ''>:<automatic kind>"`` (``#n`` appended when
  one sentence yields several identical keys).
* article: ``"<content_hash>"``
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, Self, runtime_checkable

from geo.errors import InputError, SchemaError

if TYPE_CHECKING:
    import pandas as pd

    from geo.model import Event, ParsedArticle

__all__ = [
    "ANNOTATION_ACTIONS",
    "EVENT_FRAME_COLUMNS",
    "MENTION_FRAME_COLUMNS",
    "TARGET_TYPES",
    "UNCHECKED",
    "AnnotationError",
    "ConcurrentEditError",
    "IngestOutcome",
    "SchemaError",
    "StoreBackend",
    "TargetType",
    "event_key",
    "event_local_key",
    "mention_key",
]


TargetType = Literal["mention", "event", "article"]
TARGET_TYPES: tuple[str, ...] = ("mention", "event", "article")

#: Actions an analyst can record. ``reject`` is accepted as a synonym of ``not_a_place`` (for events it
#: means "this event did not happen / is not an event"), ``set_date`` dates an article (target_type
#: "article"), ``undo`` is written by :meth:`StoreBackend.undo`.
ANNOTATION_ACTIONS: tuple[str, ...] = (
    "confirm",
    "choose_candidate",
    "set_place",
    "set_point",
    "not_a_place",
    "reject",
    "edit_event",
    "set_date",
    "note",
    "undo",
)


class _Unchecked:
    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return "UNCHECKED"


#: Default for ``expected_last``: do not check for concurrent edits.
UNCHECKED: Any = _Unchecked()


class AnnotationError(InputError):
    """An annotation is invalid (unknown target, action, or payload); the message says which."""


class ConcurrentEditError(AnnotationError):
    """Someone else annotated the same target since the caller loaded it (expected id mismatch)."""


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """Result of storing one article.

    ``status`` is "new" (written), "unchanged" (same content hash already stored: nothing written) or
    "updated" (``replace=True``: mentions and events replaced). ``mentions``/``events`` count rows
    written by this call (0 when unchanged).
    """

    status: Literal["new", "unchanged", "updated"]
    article_id: int
    mentions: int
    events: int


# --------------------------------------------------------------------------------------------------
# keys


def mention_key(content_hash: str, start: int, end: int) -> str:
    """Stable annotation key of a mention: survives re-ingest because it only uses content and offsets."""
    return f"{content_hash}:{int(start)}:{int(end)}"


def event_local_key(ev: Event) -> str:
    """The part of an event's key after the content hash (backends store it per article)."""
    ms = "" if ev.mention_start is None else str(int(ev.mention_start))
    return f"{int(ev.evidence_start)}:{ms}:{ev.kind}"


def event_key(content_hash: str, ev: Event) -> str:
    """Stable annotation key of an event (without the ``#n`` suffix used for duplicates)."""
    return f"{content_hash}:{event_local_key(ev)}"


# --------------------------------------------------------------------------------------------------
# frame shapes every backend returns (column order included: exports and the dashboard rely on it)

MENTION_FRAME_COLUMNS: list[str] = [
    "mention_id", "article_id", "content_hash", "target_key", "start", "end", "text", "role", "geonameid",
    "name", "latitude", "longitude", "country_code", "admin1_code", "feature_code", "confidence", "source",
    "title", "language", "article_date", "notes", "status", "last_annotation_id",
]  # fmt: skip
EVENT_FRAME_COLUMNS: list[str] = [
    "event_id", "article_id", "content_hash", "target_key", "kind", "actor", "actor_text", "place",
    "place_text", "geonameid", "latitude", "longitude", "country_code", "admin1_code", "event_date",
    "date_precision", "date_expression", "where_precision", "confidence", "evidence", "evidence_start",
    "evidence_end", "mention_start", "mention_end", "source", "title", "language", "article_date", "notes",
    "status", "last_annotation_id",
]  # fmt: skip


# --------------------------------------------------------------------------------------------------
# the interface


@runtime_checkable
class StoreBackend(Protocol):
    """A conflictmap store: articles, mentions, events and the analysts' append-only annotation log.

    Every read folds the active annotations over the automatic results (see `geo.store.annotations`), so
    maps, exports and the CLI all show the analysts' corrections. Writes are transactional per article
    (ingest) or per annotation. Implementations must be safe to share between threads.
    """

    @property
    def path(self) -> Path | str:
        """Where the store lives (a file for SQLite); shown to users and used in cache keys."""
        ...

    @property
    def schema_version(self) -> int:
        """The schema version of the opened store (the newest this conflictmap knows once opened)."""
        ...

    # -- lifecycle and cache keys --------------------------------------------------------------

    def close(self) -> None:
        """Release the connection (idempotent)."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    def generation(self) -> int:
        """A counter bumped by every write (by any process); use it as a cache key for derived data."""
        ...

    def cache_key(self) -> tuple[str, str, int]:
        """(location, store id, generation): changes whenever anything readable changes; for caches of
        derived data (layers) that must survive across store objects but never outlive a change."""
        ...

    # -- ingest --------------------------------------------------------------------------------

    def has_article(self, content_hash: str) -> int | None:
        """The article id stored for ``content_hash``, or None: lets callers skip parsing known files."""
        ...

    def article_id_for_hash(self, content_hash: str) -> int | None:
        """Alias of :meth:`has_article` for readability at call sites that need the id."""
        ...

    def ingest(self, parsed: ParsedArticle, *, replace: bool = False) -> IngestOutcome:
        """Store one parsed article (article + mentions + events) in one transaction.

        Idempotent by ``parsed.article.content_hash``: a known hash returns status "unchanged" and
        writes nothing, unless ``replace=True`` (re-parse with a newer pipeline), which replaces the
        article's mentions and events in the same transaction ("updated"). Annotations are untouched in
        both cases and keep applying because they are keyed by content hash and offsets.
        """
        ...

    def ingest_many(self, parsed: Iterable[ParsedArticle], *, batch_size: int = 500) -> list[IngestOutcome]:
        """Bulk path (benchmarks, synthetic stores): ``batch_size`` articles per transaction.

        Still all-or-nothing per batch, so never a partial article; the CLI uses :meth:`ingest`.
        """
        ...

    # -- reads (annotations applied) -----------------------------------------------------------

    def articles_df(self) -> pd.DataFrame:
        """One row per article, ordered by (effective) date, undated last, then id.

        Columns: article_id, content_hash, source, title, language, date (datetime64, NaT if unknown;
        an analyst's ``set_date`` wins), date_precision, url, ingested_at, n_mentions, n_events,
        target_key (= content_hash, for :meth:`annotate`), notes, status ('auto'|'confirmed'|'edited'),
        last_annotation_id (Int64).
        """
        ...

    def article(self, article_id: int) -> dict[str, Any] | None:
        """Full article as a dict (keys as in :meth:`articles_df` plus ``text``; ``date`` is a
        ``datetime.date`` or None), or None if there is no such article."""
        ...

    def candidates(self, mention_id: int) -> list[dict[str, Any]]:
        """The resolver's alternatives for one mention, best first: dicts with geonameid, name,
        latitude, longitude, country_code, admin1_code, feature_code, population, score."""
        ...

    def mentions_df(self, article_id: int | None = None, *, include_rejected: bool = True) -> pd.DataFrame:
        """Place mentions with analyst annotations applied (a copy the caller may change).

        Columns (:data:`MENTION_FRAME_COLUMNS`): mention_id, article_id, content_hash, target_key, start,
        end, text, role ('place'|'dateline'|'demonym'), geonameid (Int64), name, latitude, longitude,
        country_code, admin1_code, feature_code, confidence, source, title, language, article_date
        (datetime64), notes (analyst notes joined by newlines, '' if none), status
        ('auto'|'confirmed'|'edited'|'rejected'), last_annotation_id (Int64: newest annotation row of any
        kind on this target, including undos; pass it as ``expected_last`` to :meth:`annotate`).
        A rejected mention ("not a place") has no coordinates.
        """
        ...

    def events_df(self, article_id: int | None = None, *, include_rejected: bool = True) -> pd.DataFrame:
        """Events with analyst annotations applied (ACLED/UCDP-style names; a copy the caller may change).

        Columns (:data:`EVENT_FRAME_COLUMNS`): event_id, article_id, content_hash, target_key, kind, actor,
        actor_text, place (name), place_text, geonameid (Int64), latitude, longitude, country_code,
        admin1_code, event_date (datetime64, NaT if unknown; month/year precision dates are the first day
        of the period), date_precision ('day'|'month'|'year'|None), date_expression, where_precision
        (Int64, UCDP where_prec), confidence, evidence, evidence_start, evidence_end, mention_start
        (Int64), mention_end (Int64), source, title, language, article_date (datetime64), notes, status
        ('auto'|'confirmed'|'edited'|'rejected'), last_annotation_id (Int64).

        An event inherits the analyst's place correction of the mention it was read from (same article,
        same span) unless the event has its own place annotation; when that mention is marked
        "not a place" the event is rejected.
        """
        ...

    def effective_mentions(self) -> pd.DataFrame:
        """Every mention with annotations applied, as the backend caches it for the current generation.

        Same frame as ``mentions_df()`` but shared, not copied: for hot read paths (map layers) that
        filter and never modify it. Callers must not mutate it.
        """
        ...

    def effective_events(self) -> pd.DataFrame:
        """Every event with annotations applied, cached for the current generation; shared like
        :meth:`effective_mentions` (callers must not mutate it)."""
        ...

    def date_range(self) -> tuple[dt.date | None, dt.date | None]:
        """(earliest, latest) over article dates and effective event dates; (None, None) if none."""
        ...

    # -- annotations ---------------------------------------------------------------------------

    def annotate(
        self,
        target_type: TargetType,
        target_key: str,
        action: str,
        payload: dict[str, Any] | None = None,
        *,
        analyst: str,
        expected_last: int | None = UNCHECKED,
    ) -> int:
        """Append one annotation and return its ``annotation_id``.

        ``target_key`` is the ``target_key`` column of :meth:`mentions_df` / :meth:`events_df` /
        :meth:`articles_df` (for an article it is its content hash). Payloads by action:

        * ``confirm``, ``not_a_place``/``reject``: ``{}`` (optional ``"comment"``)
        * ``choose_candidate``: ``{"geonameid": int}`` (one of the mention's candidates, or any
          gazetteer place)
        * ``set_place``: ``{"geonameid": int}`` (filled from the gazetteer) or full place fields
          ``geonameid, name, latitude, longitude, country_code[, admin1_code, feature_code]``
        * ``set_point``: ``{"latitude": float, "longitude": float[, "name": str]}``
        * ``edit_event`` (events only): any of ``kind, actor, event_date (YYYY-MM-DD), date_precision,
          where_precision``; ``None`` clears actor/date
        * ``note``: ``{"text": str}`` (any target)
        * ``set_date`` (articles only): ``{"date": "YYYY-MM-DD" | None, "date_precision": "day" |
          "month" | "year"}``: dates an undated (or wrongly dated) article; its events are re-dated
          (relative expressions such as "on Thursday" resolved again; events without one take the
          article date) unless an event's own date was edited. Articles accept ``confirm``/``note`` too.

        ``expected_last``: the ``last_annotation_id`` the caller saw (None = "no annotation yet"); if
        someone annotated the target meanwhile, :class:`ConcurrentEditError` is raised and nothing is
        written. Omit it to skip the check. Invalid input raises :class:`AnnotationError` naming the
        field: dates outside ``geo.model.MIN_YEAR..MAX_YEAR``, ids that are not integers, coordinates
        off the globe or not finite, unknown kinds or precisions (the same checks an import applies).
        """
        ...

    def undo(self, annotation_id: int, *, analyst: str, expected_last: int | None = UNCHECKED) -> int:
        """Append an ``undo`` row that cancels ``annotation_id`` (undoing an undo re-applies it).

        Raises :class:`AnnotationError` for an unknown or already-undone annotation and
        :class:`ConcurrentEditError` when ``expected_last`` does not match.
        """
        ...

    def annotation_history(
        self,
        target_type: TargetType | None = None,
        target_key: str | None = None,
        *,
        article_id: int | None = None,
    ) -> pd.DataFrame:
        """All annotation rows (newest first), optionally for one target or one article.

        Columns: annotation_id, uid, target_type, target_key, content_hash, article_id (Int64; NA when
        the article is not in this store), action, payload (dict), analyst, created_at (ISO UTC str),
        undoes_id (Int64), active (bool: not cancelled by an active undo), undone (bool: cancelled by an
        active undo; for an undo row: the undo itself was undone, i.e. a redo), valid (bool: passes
        today's checks), problem (why it does not, '' when valid), status ('active' | 'undone' |
        'invalid'). An invalid row (written by an older version or by hand) has no effect on any read;
        it is shown here so that an analyst can undo it, which is allowed.
        """
        ...

    def export_annotations(self) -> list[dict[str, Any]]:
        """Every annotation row as JSON-able dicts with stable ``uid``/``undoes_uid``, in log order: by
        parsed ``created_at``, each undo after its target (analysts' clocks differ), so the file imports.

        Keys: uid, target_type, target_key, content_hash, action, payload, analyst, created_at,
        undoes_uid. Local row ids are not exported: they mean nothing in another store. Invalid rows (see
        :meth:`annotation_history`) and undos of them are left out with a logged warning.
        """
        ...

    def import_annotations(self, rows: Iterable[dict[str, Any]]) -> int:
        """Add annotations exported by :meth:`export_annotations`; returns how many were new.

        Idempotent: rows whose ``uid`` is already stored with the same content are skipped; the same
        uid with different content (in the store or twice in the file) is an :class:`AnnotationError`
        naming it. All rows are validated first (the checks of :meth:`annotate`: dates in
        ``geo.model.MIN_YEAR..MAX_YEAR``, integer ids, coordinates on the globe, known kinds and
        precisions; the message names the uid and field) and written in one transaction, in log order
        (parsed time, each undo after its target): a bad row means nothing is written.
        Targets need not exist yet: annotations for articles not ingested here apply once they are.
        """
        ...
