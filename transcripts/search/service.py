"""The search service: keeps the index current and answers queries, from one place.

`index_quotes` / `remove_quotes` are called by the import service (in its transaction) and by the
signal receivers for admin edits; `rebuild` refills the whole index. Each entry goes where its
quote belongs: the index when readers may see the quote, aside when not (see `backends`); the
database's triggers move entries when a quote or event is published or taken down
(`visibility`). `quote_search` parses the query, applies the reader's filters with the ORM,
lets the backend match and rank, and builds highlighted snippets for one page of results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import transaction
from django.db.models import Count, Q
from django.utils.safestring import SafeString

from .. import vocabulary
from ..filters import NO_FILTERS, QuoteFilters
from ..models import Event, Quote, Speaker, TaggedQuote
from ..slugs import speaker_slug
from .backends import IndexSearch, backend
from .documents import Document, build_document, normalize
from .highlight import snippet
from .query import Query, QueryError, parse_query, with_synonyms

BATCH = 1000
# what a result shows: the quote, its event, speaker and topic (not the event's intro...)
HIT_FIELDS = (
    "number",
    "text",
    "published",
    "event__slug",
    "event__title",
    "event__date",
    "speaker__name",
    "speaker__slug",
    "topic__number",
    "topic__title",
    "topic__label",
)
MAX_PAGE_SIZE = 200


# Vocabulary ------------------------------------------------------------------------------------

_synonyms: dict[str, dict[str, tuple[str, ...]]] = {}


def synonym_groups() -> dict[str, tuple[str, ...]]:
    """Normalised tag name or alias → every name of its group, from this process's vocabulary
    (`vocabulary.current`): no query unless the vocabulary changed."""
    curated = vocabulary.current()
    groups = _synonyms.get(curated.signature)
    if groups is None:
        names = {ref.id: ref.name for ref in curated.tag_list}
        members: dict[int, set[str]] = {}
        for alias, tag_id in curated.aliases:
            if tag_id in names:
                members.setdefault(tag_id, {normalize(names[tag_id])}).add(normalize(alias))
        groups = {word: tuple(sorted(group)) for group in members.values() for word in group}
        _synonyms.clear()
        _synonyms[curated.signature] = groups
    return groups


# Indexing --------------------------------------------------------------------------------------


def _documents(quotes: Iterable[Quote]) -> list[Document]:
    quotes = list(quotes)
    tags: dict[int, list[str]] = {}
    rows = TaggedQuote.objects.filter(content_object__in=[q.pk for q in quotes]).values_list(
        "content_object_id", "tag__name"
    )
    for quote_id, name in rows:
        tags.setdefault(quote_id, []).append(name)
    # Whether each event is published, its row locked until this transaction ends: publishing
    # it meanwhile (which moves its quotes' entries) waits, so no entry lands on the wrong side.
    published = dict(
        Event.objects.filter(pk__in={q.event_id for q in quotes})
        .select_for_update(no_key=True)
        .values_list("pk", "published")
    )
    return [_document(q, tags.get(q.pk, []), published[q.event_id]) for q in quotes]


def _document(quote: Quote, tags: list[str], event_published: bool) -> Document:
    topic = quote.topic.title if quote.topic else ""
    return build_document(
        quote.pk,
        quote.text,
        speaker=quote.speaker.name,
        topic=topic,
        tags=tags,
        visible=quote.published and event_published,
    )


@transaction.atomic  # one commit for the lot (a savepoint inside an import)
def index_quotes(
    quotes, *, fresh: bool = False, progress: Callable[[int], None] | None = None
) -> int:
    """(Re)index these quotes (a queryset or ids) in batches; `fresh` when none of them is
    indexed yet; `progress(n)` after each batch. Returns how many were indexed."""
    if not hasattr(quotes, "model"):
        quotes = Quote.objects.filter(pk__in=list(quotes))
    vocabulary.current()  # jieba keeps tag and speaker names whole
    quotes = quotes.select_related("speaker", "topic").order_by("pk")
    search = backend()
    done, last = 0, 0
    while batch := list(quotes.filter(pk__gt=last)[:BATCH]):
        search.write(_documents(batch), fresh=fresh)
        done += len(batch)
        last = batch[-1].pk
        if progress:
            progress(len(batch))
    return done


def index_new_quotes(rows: Iterable) -> None:
    """Index quotes just written by the import service, from what it holds in memory: its
    `event_import.QuoteRow`s, each quote with its `event`, `speaker` and `topic`, and its
    `tag_names` (no query, nothing to replace; the import holds its event's row)."""
    vocabulary.current()  # jieba keeps tag and speaker names whole
    documents = [_document(r.quote, r.tag_names, r.quote.event.published) for r in rows]
    backend().write(documents, fresh=True)


def remove_quotes(quote_ids: Iterable[int]) -> None:
    backend().delete(quote_ids)


@transaction.atomic
def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Empty the index and index every quote; `progress(n)` after each batch."""
    search = backend()
    search.clear()
    done = index_quotes(Quote.objects.all(), fresh=True, progress=progress)
    search.optimize()
    return done


# Searching -------------------------------------------------------------------------------------


@dataclass
class Hit:
    quote: Quote
    snippet: SafeString
    score: float  # bm25 (ts_rank negated on PostgreSQL): lower is better within a tier
    tier: int = 2  # 1: a term is in the quote's speaker, topic or tags; ranked first


@dataclass
class SearchResults:
    query: Query | None
    filters: QuoteFilters
    page: int
    page_size: int
    error: str = ""
    speakers: list[Speaker] = field(default_factory=list)
    _filtered: object = None  # the quotes the reader's filters leave, to rank
    # no filters: the index alone answers (it holds exactly what is public)
    _index: IndexSearch | None = None

    @cached_property
    def count(self) -> int:
        if self._filtered is None:
            return 0
        if self._index is not None:
            return self._index.count_index(self.query)
        return self._unranked.count()

    @cached_property
    def hits(self) -> list[Hit]:
        if self._filtered is None:
            return []
        offset = (self.page - 1) * self.page_size
        # rank narrow rows first, then read the page's quotes whole (no wide rows to sort)
        if self._index is not None:
            ranked = self._index.ranked_index(self.query, offset=offset, size=self.page_size)
        else:
            ranked = backend().ranked(
                self._filtered, self.query, offset=offset, size=self.page_size
            )
        quotes = (
            Quote.objects.select_related("event", "speaker", "topic")
            .only(*HIT_FIELDS)
            .order_by()
            .in_bulk([pk for pk, _, _ in ranked])
        )
        return [
            Hit(quotes[pk], snippet(quotes[pk].text, self.query.positive), score, tier)
            for pk, score, tier in ranked
            if pk in quotes
        ]

    @cached_property
    def _unranked(self):
        """The matching quotes, unordered and unscored (counts, facets)."""
        return backend().matching(self._filtered, self.query)

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @cached_property
    def by_speaker(self) -> list[dict]:
        """How many results each speaker has, to narrow down."""
        if self._filtered is None:
            return []
        rows = (
            self._unranked.values("speaker__slug", "speaker__name")
            .annotate(n=Count("id"))
            .order_by("-n", "speaker__slug")
        )
        return list(rows[:20])

    @cached_property
    def by_event(self) -> list[dict]:
        if self._filtered is None:
            return []
        rows = (
            self._unranked.values("event__slug", "event__title")
            .annotate(n=Count("id"))
            .order_by("-n", "event__slug")
        )
        return list(rows[:20])


def quote_search(
    raw: str, filters: QuoteFilters = NO_FILTERS, *, page: int = 1, page_size: int = 20
) -> SearchResults:
    """Ranked, filtered, paginated results; a query that cannot be searched gives results with
    an `error` for the reader instead of raising."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    results = SearchResults(query=None, filters=filters, page=max(1, page), page_size=page_size)
    results.speakers = speaker_suggestions(raw)
    try:
        vocabulary.current()  # jieba keeps tag and speaker names whole
        results.query = with_synonyms(parse_query(raw), synonym_groups())
    except QueryError as error:
        results.error = str(error)
        return results
    results._filtered = _filtered(filters)
    search = backend()
    if not filters.active and isinstance(search, IndexSearch):
        results._index = search
    return results


def _filtered(filters: QuoteFilters):
    return filters.narrow(Quote.objects.public())


_speaker_keys: dict[str, object] = {}


def _could_name_a_speaker(text: str, ascii_form: str) -> bool:
    """Whether any speaker's name, handle or slug is this text: a set lookup, refreshed when
    the vocabulary version moves (speakers added or renamed), so most searches ask nothing."""
    version = vocabulary.version()
    if _speaker_keys.get("version") != version:
        keys: set[str] = set()
        for name, handle, slug in Speaker.objects.values_list("name", "handle", "slug"):
            keys.update((name, handle.lower(), slug))
        keys.discard("")
        _speaker_keys.update(version=version, keys=keys)
    keys = _speaker_keys["keys"]
    return (
        text in keys
        or text.lstrip("@").lower() in keys
        or (bool(ascii_form) and (ascii_form in keys or ascii_form.replace("-", "") in keys))
    )


def speaker_suggestions(raw: str) -> list[Speaker]:
    """Speakers whose name, pinyin or handle is the query (刘知远, liuzhiyuan, zibuyu9), among
    those who speak in a published event."""
    text = (raw or "").replace("\x00", "").strip()
    if not text or len(text) > 50:
        return []
    ascii_form = speaker_slug(text) if text.isascii() else ""
    if not _could_name_a_speaker(text, ascii_form):
        return []
    condition = Q(name=text) | Q(handle__iexact=text.lstrip("@"))
    if ascii_form:
        condition |= Q(slug=ascii_form) | Q(slug=ascii_form.replace("-", ""))
    return list(
        Speaker.objects.filter(condition, participations__event__published=True).distinct()[:5]
    )
