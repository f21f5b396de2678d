"""One page of the staff dream list, costing the same at a thousand dreams and at a million.

seek pages   every sort pages by its key (KeysetPaginator): "next" carries the last row's
             key, "previous" the first's; no OFFSET however deep
a jump       to a day (date sorts), a first letter (title) or a status: a key between rows
the count    capped (DREAM_LIST_COUNT_CAP; for a search DREAM_SEARCH_CONSIDERED): never a
             COUNT(*) that reads every match
a search     sorted by relevance ranks only the newest DREAM_SEARCH_CONSIDERED matches, so a
             common word does not make PostgreSQL rank 220,000 dreams; pages numbered
"""

import math
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import connection, connections
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from initiatives.models import Dream, _label
from initiatives.pagination import CappedCount, InvalidKey, KeysetPaginator
from initiatives.search import SEARCH_CONFIG
from initiatives.search_window import newest_ids
from initiatives.selectors.dream_lists import LIST_SORTS, _with_tension_flag
from initiatives.spliced_query import SplicedQuery, placeholder
from initiatives.statuses import STATUS_ORDER, Status, status_order

# What a row of the list shows, read as plain values (ListedDream): the story and the search
# vector stay in the database, and no model objects are built.
ROW_COLUMNS = (
    "id",
    "title",
    "status",
    "submitted_at",
    "last_public_update_at",
    "has_tension",
    "neighbourhood__name",
    "theme__name",
    "contact_id",
    # what User.get_full_name reads
    "contact__full_name",
    "contact__email",
    "contact__is_active",
    "contact__is_staff",
)


@dataclass(frozen=True, slots=True)
class ListedDream:
    """One row of the staff list. Building 25 dreams with their neighbourhood, theme and
    MogelijkMaker as model objects cost the page more Python than writing its HTML."""

    id: int
    title: str
    status: str
    submitted_at: datetime
    last_public_update_at: datetime | None
    has_tension: bool
    neighbourhood_name: str
    theme_name: str
    contact_name: str | None  # None: nobody picked it up yet
    status_order: int | None = None  # the status sort's key
    rank: float | None = None  # a ranked search's relevance

    @property
    def pk(self) -> int:
        return self.id

    def get_status_display(self) -> str:
        return _label(Status, self.status)


def _listed(extra: tuple[str, ...] = ()):
    """Return (columns, make_row) for values_list rows with EXTRA columns after ROW_COLUMNS."""

    def make_row(values: tuple) -> ListedDream:
        (pk, title, status, submitted, updated, tension, place, theme, contact_id, full_name,
         email, active, is_staff, *more) = values  # fmt: skip
        name = None
        if contact_id is not None:  # the name as User.get_full_name gives it
            name = (
                full_name or User(email=email, is_active=active, is_staff=is_staff).get_full_name()
            )
        row = ListedDream(pk, title, status, submitted, updated, tension, place, theme, name)
        return replace(row, **dict(zip(extra, more, strict=True))) if extra else row

    return (*ROW_COLUMNS, *extra), make_row


# Earlier than any dream: a status jump starts before the status's first dream.
_BEFORE_ALL = datetime(1900, 1, 1, tzinfo=UTC)
RELEVANCE = "relevance"


@dataclass
class DreamListPage:
    """What the list page shows: the rows, how many were found, and where its links lead."""

    rows: list
    count: int
    capped: bool  # more were found than COUNT: the count stopped there
    sort: str  # the sort in effect ("relevance" for a ranked search)
    jump: str  # what this sort can jump to: "date", "letter", "status" or ""
    next_params: dict = field(default_factory=dict)
    previous_params: dict = field(default_factory=dict)
    at_start: bool = True  # the list's first page, reached without a position
    notice: str = ""  # said above the list: the asked-for position was not one
    number: int | None = None  # page numbers: a ranked search only
    num_pages: int | None = None
    ranked: bool = False

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_params or self.previous_params or not self.at_start)


def effective_sort(sort: str, query: str) -> str:
    """A search is shown best match first unless a sort is chosen; otherwise newest first."""
    if sort in LIST_SORTS:
        return sort
    return RELEVANCE if query.strip() else "newest"


def dream_list_page(
    dreams: QuerySet[Dream],
    *,
    sort: str,
    query: str = "",
    after: str = "",
    before: str = "",
    jump: str = "",
    number: str = "",
    per_page: int = 25,
) -> DreamListPage:
    """Return one page of DREAMS (staff_dream_list, filtered and searched).

    AFTER and BEFORE are keys from the page links; JUMP is a day, a letter or a status to
    start at; NUMBER is a page number (a ranked search, or an old "?pagina=N" link).
    """
    sort = effective_sort(sort, query)
    if sort == RELEVANCE:
        return _ranked_page(dreams, query=query, number=number, per_page=per_page)
    spec = LIST_SORTS[sort]
    by_status = "status_order" in spec.keys
    _columns, make_row = _listed(("status_order",) if by_status else ())

    def rows_for(ids: QuerySet, order: list[str]) -> list:
        return _page_rows_query(connections[ids.db], by_status, tuple(order)).rows(ids)

    paginator = KeysetPaginator(
        dreams,
        keys=spec.keys,
        descending=spec.descending,
        per_page=per_page,
        make_row=make_row,
        rows_for=rows_for,
    )
    searching = bool(query.strip())
    cap = settings.DREAM_SEARCH_CONSIDERED if searching else settings.DREAM_LIST_COUNT_CAP
    counted = CappedCount(dreams, cap)
    notice = ""
    try:
        if after:
            page = paginator.page_after(paginator.decode(after), from_a_row=True)
        elif before:
            page = paginator.page_before(paginator.decode(before))
        elif jump:
            page = paginator.page_after(_jump_key(spec, jump))
        elif number and number != "1":
            page = _numbered_position(paginator, dreams, spec, number, per_page, cap)
        else:
            page = paginator.first_page()
    except InvalidKey as exc:  # from a URL, so from anyone: said, and the list's start shown
        notice = getattr(exc, "message", "") or _(
            "This link to a page of the list is not valid. Here is the start."
        )
        page = paginator.first_page()
    return DreamListPage(
        rows=page.object_list,
        count=counted.count,
        capped=counted.capped,
        sort=sort,
        jump=spec.jump,
        next_params={"na": page.next_key} if page.has_next else {},
        previous_params={"voor": page.previous_key} if page.has_previous else {},
        at_start=page.is_first,
        notice=notice,
    )


@lru_cache(maxsize=64)
def _page_rows_query(connection, by_status: bool, order: tuple[str, ...]) -> SplicedQuery:
    """What a page of the list reads for its ids, in ORDER: composed once per database
    connection (the compiler keeps it for its converters) and sort, not once per page."""
    rows = _with_tension_flag(Dream.objects.using(connection.alias).filter(pk__in=placeholder()))
    if by_status:
        rows = rows.annotate(status_order=status_order())
    columns, _make_row = _listed(("status_order",) if by_status else ())
    return SplicedQuery.of(rows.order_by(*order).values_list(*columns))


class _PositionRefused(InvalidKey):
    """A jump or page number that is not one, with what to tell the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _jump_key(spec, jump: str) -> tuple:
    """The key just before the first row to show: ids start at 1, so (value, 0) lies before
    every row whose key starts with VALUE (and after every row before it)."""
    jump = jump.strip()
    if spec.jump == "date":
        day = _parse_day(jump)
        if spec.descending:  # newest first: start with the last dream of that day
            day += timedelta(days=1)
        start = timezone.make_aware(datetime.combine(day, time.min))
        return (start, 0)
    if spec.jump == "letter":
        if not jump or len(jump) > 120 or "\x00" in jump:
            raise _PositionRefused(_("Choose a letter to jump to."))
        return (jump[0].upper() + jump[1:], 0)
    if jump not in STATUS_ORDER:
        raise _PositionRefused(_("Choose a status to jump to."))
    return (STATUS_ORDER[jump], _BEFORE_ALL, 0)


def _parse_day(text: str) -> date:
    for read in (date.fromisoformat, lambda t: datetime.strptime(t, "%d-%m-%Y").date()):
        try:
            day = read(text)
        except ValueError:
            continue
        if date(1900, 1, 2) <= day <= date(9999, 12, 30):
            return day
    raise _PositionRefused(_("That is not a date. Write a date like 31-12-2025."))


def _numbered_position(paginator, dreams, spec, number: str, per_page: int, cap: int):
    """An old "?pagina=N" link: the page that starts after row (N-1)*per_page.

    Found once with an OFFSET over index entries, bounded by the count cap; from there the
    page's own links seek. Beyond the cap (or the list) it is the start, said as such. The
    page's rows are read in the same query as the OFFSET (paginator.page_at), not after it.
    """
    try:
        wanted = int(number)
    except ValueError:
        return paginator.first_page()
    if wanted < 2:
        return paginator.first_page()
    skipped = (wanted - 1) * per_page
    if skipped > cap:
        raise _PositionRefused(
            _(
                "The pages are not numbered this far. Here is the start: go to a day, a letter "
                "or a status instead."
            )
        )
    page = paginator.page_at(skipped)
    if not page.object_list:
        raise _PositionRefused(_("The list does not have that many pages. Here is the start."))
    return page


def _ranked_page(dreams: QuerySet[Dream], *, query: str, number: str, per_page: int):
    """A search, best match first, among the newest DREAM_SEARCH_CONSIDERED matches.

    Ranking every match of a common word (a fifth of all dreams) reads and scores each
    one. Here the database finds the newest N matches first (a LIMIT: it walks the
    submitted_at index for a common word; for a rare one, search_window.newest_ids) and
    ranks only those; the page says when more matched.
    """
    considered = settings.DREAM_SEARCH_CONSIDERED
    # One query finds the newest N+1 matches: N to rank, and one more tells that more matched.
    # (Counting them in a query of its own would read the same rows again.) For a rare word
    # it looks among the newest dreams first, through the word's index (search_window).
    newest = newest_ids(dreams, considered + 1)
    count, capped = min(len(newest), considered), len(newest) > considered
    num_pages = max(1, math.ceil(count / per_page))
    try:
        current = min(max(int(number or 1), 1), num_pages)
    except ValueError:
        current = 1
    start = (current - 1) * per_page
    rows = []
    if count and connection.vendor == "postgresql":
        rows = _ranked_rows(connections[dreams.db], query, newest[:considered], per_page, start)
    elif count:  # SQLite has no ranking: newest first
        rows = _newest_rows(newest[:considered], per_page, start)
    return DreamListPage(
        rows=rows,
        count=count,
        capped=capped,
        sort=RELEVANCE,
        jump="",
        next_params={"pagina": current + 1} if current < num_pages else {},
        previous_params={"pagina": current - 1} if current > 1 else {},
        at_start=current == 1,
        number=current,
        num_pages=num_pages,
        ranked=True,
    )


# A search's candidates ranked and cut to the page, written once. Composed through the ORM
# (a SearchRank over a pk__in list of up to 200 values, for the ids and again for the rows)
# it cost about 3 ms of Python per search, and more the more candidates (issue 15). The rank
# is Django's SearchRank of the same query (tests/initiatives/test_search_window.py compares).
_RANK_PAGE_SQL = (
    "SELECT id, ts_rank(search_document, websearch_to_tsquery(%s::regconfig, %s)) AS rank "
    "FROM initiatives_dream WHERE id = ANY(%s) "
    "ORDER BY rank DESC, submitted_at DESC, id DESC LIMIT %s OFFSET %s"
)


def _ranked_rows(db, query: str, candidates: list[int], per_page: int, start: int) -> list:
    """The page of CANDIDATES (dream ids) best matching QUERY, from START, as ListedDreams
    (DB: the database connection)."""
    with db.cursor() as cursor:
        cursor.execute(_RANK_PAGE_SQL, [SEARCH_CONFIG, query.strip(), candidates, per_page, start])
        ranked = cursor.fetchall()
    if not ranked:
        return []
    ranks = dict(ranked)
    _columns, make_row = _listed()
    found = _page_rows_query(db, False, ("-submitted_at", "-id")).rows_sql(
        "SELECT unnest(%s::bigint[])", [list(ranks)]
    )
    by_id = {row.id: row for row in map(make_row, found)}
    return [replace(by_id[pk], rank=rank) for pk, rank in ranks.items() if pk in by_id]


def _newest_rows(candidates: list[int], per_page: int, start: int) -> list:
    """The page of CANDIDATES newest first, rank 0: a search on SQLite."""
    rows = _with_tension_flag(Dream.objects.filter(pk__in=candidates))
    columns, make_row = _listed()
    rows = rows.order_by("-submitted_at", "-id").values_list(*columns)[start : start + per_page]
    return [replace(make_row(values), rank=0.0) for values in rows]


def jump_statuses() -> list[tuple[str, str]]:
    """The statuses a status-sorted list can jump to, in the list's order."""
    return [(s.value, s.label) for s in Status if s != Status.UNCONFIRMED]
