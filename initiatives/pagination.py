"""Pages that cost the same on the first page and deep into a list of a million rows.

KeysetPaginator       "seek" pages: the next page starts after the last row's sort key,
                      read from the index; no OFFSET however deep
CappedCount           a count that stops at a cap: "more than 10,000"
CappedCountPaginator  numbered pages over a short list (a ranked search), counted up to a cap
DeferredJoinPaginator numbered pages that read ids first, then those rows
"""

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils.functional import cached_property


class InvalidKey(ValueError):
    """A position in a list that is not one: edited by hand, or from an older sort."""


def encode_key(values: Sequence) -> str:
    """Return VALUES (a row's sort key) as a short text for a link: base64 of a JSON list."""
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    data = json.dumps(plain, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode_key(text: str, parsers: Sequence[Callable]) -> tuple:
    """Return the sort key that encode_key wrote, each value read by its PARSER.

    Raise InvalidKey for anything else: the text comes from a URL, so from anyone.
    """
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        values = json.loads(data)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidKey(text) from exc
    if not isinstance(values, list) or len(values) != len(parsers):
        raise InvalidKey(text)
    try:
        parsed = tuple(parse(value) for parse, value in zip(parsers, values, strict=True))
    except (ValidationError, TypeError, ValueError) as exc:
        raise InvalidKey(text) from exc
    if not all(_storable(value) for value in parsed):
        raise InvalidKey(text)
    return parsed


def _storable(value) -> bool:
    """Whether the database can compare VALUE: not NULL, no NUL character, a 64-bit integer,
    a datetime with its time zone."""
    if value is None:
        return False
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    if isinstance(value, datetime):
        return value.tzinfo is not None
    return True


class CappedCount:
    """Count QUERYSET's rows up to CAP: an exact COUNT(*) reads every match.

    At a million dreams a plain count costs 55-160 ms per page view, over a second for a
    common search word; this one stops at CAP + 1 rows (a LIMIT inside the count).
    """

    def __init__(self, queryset: QuerySet, cap: int):
        self.queryset, self.cap = queryset, cap

    @cached_property
    def _counted(self) -> int:
        # What .count() on the sliced queryset runs, written around its compiled SQL: the
        # ORM's count (get_aggregation: cloning, wrapping and compiling the query again)
        # cost about 0.4 ms of Python per page, twice the query itself (issue 15).
        limited = self.queryset.order_by().values("pk")[: self.cap + 1]
        try:
            sql, params = limited.query.get_compiler(limited.db).as_sql()
        except EmptyResultSet:  # a filter that matches nothing, such as pk__in=[]
            return 0
        with connections[limited.db].cursor() as cursor:
            # SQL the ORM compiled, its values in PARAMS: nothing user-typed is spliced in.
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) subquery", params)  # noqa: S608
            return cursor.fetchone()[0]

    @property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """Whether more rows match than were counted."""
        return self._counted > self.cap


@dataclass
class KeysetPage:
    """One page of a keyset list and the keys its links carry."""

    object_list: list
    has_next: bool = False
    has_previous: bool = False
    next_key: str = ""
    previous_key: str = ""
    is_first: bool = True  # the list's own start, not a position in it
    notice: str = ""  # said above the list when the asked-for position was not one

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


class KeysetPaginator:
    """Pages of QUERYSET in the order of KEYS (all ascending, or all DESCENDING), read by seeking.

    Page 500 with OFFSET makes the database read and throw away 12,475 rows first. Here the
    next page asks for the rows after the last row's key, `(submitted_at, id) < (…, …)`,
    which PostgreSQL answers from an index on those columns as cheaply as the first page.
    KEYS must end with a unique column (the id) and hold no NULLs in the listed rows. Each
    page costs one query, and one more ("is there a row before it?") after a jump.
    """

    def __init__(
        self,
        queryset: QuerySet,
        *,
        keys: Sequence[str],
        descending: bool,
        per_page: int,
        make_row: Callable | None = None,
        rows_for: Callable[[QuerySet, list[str]], Iterable] | None = None,
    ):
        """MAKE_ROW turns what is read (a values_list's tuples, say) into the rows of a page;
        each row must have its KEYS as attributes.

        ROWS_FOR, given a queryset of the page's ids (found on QUERYSET by its keys, with the
        LIMIT) and the order (KEYS, each with its direction), returns those rows in that
        order. The page is then found on the index alone and only its rows are joined:
        PostgreSQL plans what a row shows (a subquery such as a flag) for the rows of the
        whole list otherwise, not for 26.
        """
        self.queryset, self.keys, self.descending = queryset, tuple(keys), descending
        self.per_page, self.make_row, self.rows_for = per_page, make_row, rows_for

    def parsers(self) -> list[Callable]:
        """How to read each key back from a link: the model field's own to_python, or int
        for an annotation (such as the status's place in the order)."""
        model = self.queryset.model
        parsers = []
        for name in self.keys:
            try:
                parsers.append(model._meta.get_field(name).to_python)
            except FieldDoesNotExist:  # an annotation, not a field
                parsers.append(_strict_int)
        return parsers

    def key_of(self, row) -> tuple:
        return tuple(getattr(row, name) for name in self.keys)

    def decode(self, text: str) -> tuple:
        return decode_key(text, self.parsers())

    def _read(self, queryset: QuerySet, *, backwards: bool = False) -> list:
        page = queryset[: self.per_page + 1]
        if self.rows_for is not None:
            rows = list(self.rows_for(page.values("pk"), self._order(backwards=backwards)))
        else:
            rows = list(page)
        return [self.make_row(row) for row in rows] if self.make_row else rows

    def _order(self, *, backwards: bool) -> list[str]:
        down = self.descending != backwards
        return [f"-{k}" if down else k for k in self.keys]

    def _ordered(self, *, backwards: bool) -> QuerySet:
        return self.queryset.order_by(*self._order(backwards=backwards))

    def _beyond(self, queryset: QuerySet, key: tuple, *, backwards: bool) -> QuerySet:
        columns = Tuple(*(F(name) for name in self.keys))
        lookup = TupleLessThan if self.descending != backwards else TupleGreaterThan
        return queryset.filter(lookup(columns, tuple(key)))

    def first_page(self) -> KeysetPage:
        rows = self._read(self._ordered(backwards=False))
        return self._page(rows, has_previous=False, is_first=True)

    def page_after(self, key: tuple, *, from_a_row: bool = False) -> KeysetPage:
        """The page that starts just after KEY: a row's key, or a point between rows (a jump).

        FROM_A_ROW: KEY is the last row of the page before (a "next" link), so there is a
        page before this one. Otherwise one index probe asks, so that "previous" never leads
        nowhere.
        """
        rows = self._read(self._beyond(self._ordered(backwards=False), key, backwards=False))
        if from_a_row:
            has_previous = True
        else:
            first = self.key_of(rows[0]) if rows else key
            ordered = self._ordered(backwards=True)
            # The nearest row before it, in the sort's order: read from the sort's index.
            # Not .exists(), which drops the ORDER BY: PostgreSQL then scans the table from
            # its first page, expecting a row that qualifies at once, but rows lie in the
            # order they were written, so a jump to 2020 in a million dreams read the 750,000
            # older ones first (270 ms; p95 385 ms for deep jumps in BENCHMARKS.md).
            before = self._beyond(ordered, first, backwards=True)
            has_previous = before.values_list("pk", flat=True).first() is not None
        return self._page(rows, has_previous=has_previous)

    def page_at(self, offset: int) -> KeysetPage:
        """The page that starts after the first OFFSET rows (an old page-number link): one
        OFFSET over the index, in the same query that reads the page's rows. Rows come
        before it, so it has a previous page; its own links seek from there."""
        rows = self._read(self._ordered(backwards=False)[offset:])
        return self._page(rows, has_previous=offset > 0, is_first=offset == 0)

    def page_before(self, key: tuple) -> KeysetPage:
        """The page that ends just before KEY: the "previous page" link."""
        before = self._beyond(self._ordered(backwards=True), key, backwards=True)
        rows = self._read(before, backwards=True)
        if len(rows) < self.per_page:  # fewer than a page before it: show the list's start
            return self.first_page()
        has_previous = len(rows) > self.per_page
        rows = rows[: self.per_page]
        rows.reverse()
        return self._page(rows, has_previous=has_previous, has_next=True)

    def _page(self, rows, *, has_previous, has_next=None, is_first=False) -> KeysetPage:
        # Read forwards, one row more than a page tells whether there is a next page.
        if has_next is None:
            has_next = len(rows) > self.per_page
        rows = rows[: self.per_page]
        page = KeysetPage(
            object_list=rows, has_next=has_next, has_previous=has_previous, is_first=is_first
        )
        if rows and has_next:
            page.next_key = encode_key(self.key_of(rows[-1]))
        if rows and has_previous:
            page.previous_key = encode_key(self.key_of(rows[0]))
        return page


def _strict_int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidKey(value)
    return value
