"""Numbered pages that stay cheap deep into a long list."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class DeferredJoinPaginator(Paginator):
    """Read a page in two steps: the page's ids first, then only those rows.

    With a plain OFFSET, page 500 of the dreams list makes the database build (and throw
    away) 12,475 full rows with their joins and subqueries. Here the offset skips index
    entries only; the rows, with everything the page shows, are read for 25 ids. The object
    list must be a QuerySet with a unique order (the list's sorts end with the id).
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


class CappedCountPaginator(DeferredJoinPaginator):
    """Count at most CAP rows: "more than 10,000" instead of an exact count that reads them all.

    An exact COUNT(*) of a million dreams reads every matching index entry on each page view
    (55-160 ms unfiltered, over a second for a common search word); counting stops at CAP+1.
    When there are more, the pages go up to CAP rows and the page says so: a person narrows
    the filters long before page 400.
    """

    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """Whether more rows match than were counted."""
        return self._counted > self.cap
