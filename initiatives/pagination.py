"""Numbered pages that stay cheap deep into a long list."""

from django.core.paginator import Paginator


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
