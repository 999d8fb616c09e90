"""The search service: keeps the index current and answers queries, from one place.

`index_quotes` / `remove_quotes` are called by the import service (in its transaction) and by the
signal receivers for admin edits; `rebuild` refills the whole index. Each entry goes where its
quote belongs: the index when readers may see the quote, aside when not (see `backends`); the
database's triggers move entries when a quote or event is published or taken down
(`visibility`). `quote_search` parses the query, applies the reader's filters with the ORM,
lets the backend match and rank, and builds highlighted snippets for one page of results.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils.safestring import SafeString

from .. import vocabulary
from ..filters import NO_FILTERS, QuoteFilters
from ..models import Event, Participation, Quote, Speaker, TaggedQuote
from .backends import IndexFacets, IndexSearch, Ranked, SeparateIndex, backend
from .documents import Document, build_document, normalize
from .highlight import snippet
from .names import named_speakers, split_named
from .query import MAX_LENGTH, Query, QueryError, parse_query, with_synonyms

BATCH = 1000
# an import this large refreshes the planner's statistics of the index (`SearchBackend.analyze`)
ANALYZE_AFTER = 10_000
# what a result shows: the quote, its event, speaker and topic (not the event's intro...)
HIT_FIELDS = (
    "number",
    "text",
    "published",
    "event__slug",
    "event__title",
    "event__date",
    "event__language",  # the snippet's lang
    "speaker__name",
    "speaker__slug",
    "topic__number",
    "topic__title",
    "topic__label",
)
MAX_PAGE_SIZE = 200
FACET_SIZE = 20  # speakers and events a search offers to narrow down to


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
    hosts = _hosts({q.event_id for q in quotes})
    return [_document(q, tags.get(q.pk, []), published[q.event_id], hosts) for q in quotes]


def _hosts(event_ids) -> set[tuple[int, int]]:
    """(event id, speaker id) of these events' hosts: their short questions rank after answers."""
    rows = Participation.objects.filter(event_id__in=event_ids, role="host")
    return set(rows.values_list("event_id", "speaker_id"))


def _document(
    quote: Quote, tags: list[str], event_published: bool, hosts: set[tuple[int, int]]
) -> Document:
    topic = quote.topic.title if quote.topic else ""
    return build_document(
        quote.pk,
        quote.text,
        speaker=quote.speaker.name,
        topic=topic,
        tags=tags,
        visible=quote.published and event_published,
        host=(quote.event_id, quote.speaker_id) in hosts,
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
    `tag_names` (one query, for the hosts; nothing to replace: the import holds its event's row)."""
    vocabulary.current()  # jieba keeps tag and speaker names whole
    rows = list(rows)
    hosts = _hosts({r.quote.event_id for r in rows})
    documents = [_document(r.quote, r.tag_names, r.quote.event.published, hosts) for r in rows]
    search = backend()
    search.write(documents, fresh=True)
    if len(documents) >= ANALYZE_AFTER:
        search.analyze()


def remove_quotes(quote_ids: Iterable[int]) -> None:
    backend().delete(quote_ids)


@transaction.atomic
def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Empty the index and index every quote; `progress(n)` after each batch."""
    search = backend()
    if isinstance(search, SeparateIndex):  # an index beside the database builds its own
        return search.rebuild(progress)
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
    # speakers the query names (刘知远, liuzhiyuan): their quotes are results, first, whether
    # or not they say the name; `rest` is what those must match (None: the name was all)
    named: list[Speaker] = field(default_factory=list)
    rest: Query | None = None
    _filtered: object = None  # the quotes the reader's filters leave, to rank
    # no filters: the index alone answers (it holds exactly what is public)
    _index: IndexSearch | None = None

    @cached_property
    def count(self) -> int:
        """How many results. A page that shows facets asks for them first: their walk over the
        matches counts them too, so the count costs no second walk."""
        if self._filtered is None:
            return 0
        if "_groups" in self.__dict__:
            return sum(n for _, _, n in self._groups)
        if self.named:  # their quotes and the others', apart: the sum is exact
            own = sum(n for _, n in self.named_counts)
            return own + backend().matching(self._others, self.query).count()
        if self._index is not None:
            return self._index.count_index(self.query)
        return self._unranked.count()

    @cached_property
    def named_counts(self) -> list[tuple[Speaker, int]]:
        """Each named speaker with how many of their quotes are results."""
        if self._filtered is None or not self.named:
            return []
        rows = self._own.order_by().values("speaker_id").annotate(n=Count("id"))
        counts = {row["speaker_id"]: row["n"] for row in rows}
        return [(speaker, counts.get(speaker.pk, 0)) for speaker in self.named]

    @cached_property
    def _own(self):
        """The named speakers' quotes (that match the rest of the query, if any)."""
        own = self._filtered.filter(speaker__in=self.named)
        return backend().matching(own, self.rest) if self.rest else own

    @cached_property
    def _others(self):
        return self._filtered.exclude(speaker__in=self.named)

    @cached_property
    def hits(self) -> list[Hit]:
        if self._filtered is None:
            return []
        offset = (self.page - 1) * self.page_size
        # rank narrow rows first, then read the page's quotes whole (no wide rows to sort)
        if self.named:
            ranked = self._named_page(offset, self.page_size)
        elif self._index is not None:
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

    def _named_page(self, offset: int, size: int) -> list[Ranked]:
        """The named speakers' quotes first (newest event first, in reading order; ranked by
        the rest of the query if any), then the others that match, ranked."""
        own_total = sum(n for _, n in self.named_counts)
        page: list[Ranked] = []
        if offset < own_total:
            if self.rest is not None:
                own = self._filtered.filter(speaker__in=self.named)
                page = [
                    (pk, score, 1)
                    for pk, score, _ in backend().ranked(own, self.rest, offset=offset, size=size)
                ]
            else:
                newest = F("event__date").desc(nulls_last=True)  # undated last, on both databases
                rows = self._own.order_by(newest, "-event_id", "position")
                page = [(pk, 0.0, 1) for pk in rows.values_list("id", flat=True)[offset:][:size]]
        if len(page) < size:
            others = backend().ranked(
                self._others,
                self.query,
                offset=max(0, offset - own_total),
                size=size - len(page),
            )
            page += others
        return page

    @cached_property
    def _unranked(self):
        """The matching quotes, unordered and unscored (counts, facets)."""
        if self.named:
            others = backend().matching(self._others, self.query)
            return Quote.objects.filter(
                Q(pk__in=self._own.values("pk")) | Q(pk__in=others.values("pk"))
            )
        return backend().matching(self._filtered, self.query)

    def matching(self):
        """Every result, unordered (a queryset): none for a query that cannot be searched."""
        return Quote.objects.none() if self._filtered is None else self._unranked

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @cached_property
    def _groups(self) -> list[tuple[int, int, int]]:
        """(speaker id, event id, results) of every pair among the results: both facets from
        one walk over the matches (each walked them all, joined to its names, on its own), from
        the index alone when it can answer."""
        if isinstance(self._index, IndexFacets):
            return self._index.groups_index(self.query)
        rows = self._unranked.order_by().values_list("speaker_id", "event_id")
        return list(rows.annotate(n=Count("id")))

    @cached_property
    def by_speaker(self) -> list[dict]:
        """How many results each speaker has, to narrow down: the most first."""
        return self._facet(0, Speaker.objects.all(), "speaker", "name")

    @cached_property
    def by_event(self) -> list[dict]:
        return self._facet(1, Event.objects.all(), "event", "title")

    def _facet(self, column: int, objects, prefix: str, label: str) -> list[dict]:
        """The FACET_SIZE largest of one column of `_groups`, named (ties by slug)."""
        if self._filtered is None:
            return []
        counts = _totals(self._groups, column)
        rows = objects.filter(pk__in=_contenders(counts)).values_list("pk", "slug", label)
        found = [
            {f"{prefix}__slug": slug, f"{prefix}__{label}": name, "n": counts[pk]}
            for pk, slug, name in rows
        ]
        return sorted(found, key=lambda row: (-row["n"], row[f"{prefix}__slug"]))[:FACET_SIZE]


def _totals(groups: list[tuple[int, int, int]], column: int) -> Counter[int]:
    totals: Counter[int] = Counter()
    for row in groups:
        totals[row[column]] += row[2]
    return totals


def _contenders(counts: Counter[int]) -> list[int]:
    """The ids that may be among the FACET_SIZE largest once ties are broken by slug: every one
    counting at least as many as the FACET_SIZE-th largest."""
    if not counts:
        return []
    cutoff = sorted(counts.values(), reverse=True)[:FACET_SIZE][-1]
    return [pk for pk, n in counts.items() if n >= cutoff]


def quote_search(
    raw: str, filters: QuoteFilters = NO_FILTERS, *, page: int = 1, page_size: int = 20
) -> SearchResults:
    """Ranked, filtered, paginated results; a query that cannot be searched gives results with
    an `error` for the reader instead of raising. A query that names a speaker (or has a word
    that does) gives their quotes too: see `names`."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    results = SearchResults(query=None, filters=filters, page=max(1, page), page_size=page_size)
    named, rest = split_named(raw) if len(raw or "") <= MAX_LENGTH else ([], raw)
    results.speakers = named
    try:
        vocabulary.current()  # jieba keeps tag and speaker names whole
        results.query = with_synonyms(parse_query(raw), synonym_groups())
    except QueryError as error:
        results.error = str(error)
        return results
    if named:
        try:  # the rest must be a query of its own (not only excluded words)
            results.rest = with_synonyms(parse_query(rest), synonym_groups()) if rest else None
            results.named = named
        except QueryError:
            pass
    results._filtered = _filtered(filters)
    search = backend()
    if not filters.active and isinstance(search, IndexSearch) and not results.named:
        results._index = search
    return results


def _filtered(filters: QuoteFilters):
    return filters.narrow(Quote.objects.public())


def speaker_suggestions(raw: str) -> list[Speaker]:
    """Speakers whose name, alias, pinyin or handle is the query (刘知远, liuzhiyuan, zibuyu9),
    among those who speak in a published event."""
    return named_speakers(raw)
