"""Small counts kept out of the open data: no published figure may point at one person.

The rule (issue 19): a count from 1 to OPEN_DATA_MIN_COUNT - 1 is published as "suppressed"
(no value, a flag), zero stays zero. Suppressing single cells is not enough when their totals
are published too: a row total minus the other cells of the row gives the hidden one back.
So a table is suppressed together with its totals (primary suppression of the small counts,
then secondary suppression): while a line of the table (a row or a column with its total)
has exactly one hidden figure, the smallest other non-zero figure of that line is hidden as
well, so every line with a hidden figure has at least two, and no sum gives one back.

A `Table` is that: cells keyed by (row, column), their row totals, column totals and grand
total, all counted from the same raw numbers and suppressed together. Everything published
from one table (a cell, a row's total, the grand total) can be combined freely.

A hidden Cell says which of the two hid it (`small`): a page may then say "fewer than 5" of a
small count, but not of a figure hidden to protect another, which can be any size (at least
the threshold). That reveals nothing new: such a figure is never small, and the small ones
are said to be small anyway.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from django.conf import settings

# The key of a total: (row, ALL) is a row's total, (ALL, column) a column's, (ALL, ALL) the
# table's. A str, so that it never equals a real key (ids are ints).
ALL = "all"


@dataclass(frozen=True)
class Cell:
    """One published count: `value` is None when `suppressed`; then `small` is True when the
    count itself is small (1 to the threshold minus one, primary suppression), False when it
    was hidden so that a small one cannot be worked out from a total (secondary)."""

    value: int | None
    suppressed: bool = False
    small: bool = False

    @classmethod
    def hidden(cls, *, small: bool) -> "Cell":
        return cls(value=None, suppressed=True, small=small)


def minimum() -> int:
    """The smallest count published (OPEN_DATA_MIN_COUNT, read when asked, not at import)."""
    return settings.OPEN_DATA_MIN_COUNT


def is_small(value: int, least: int | None = None) -> bool:
    """Whether VALUE is a count that must not be published (zero may)."""
    return 0 < value < (minimum() if least is None else least)


class Table:
    """Counts per (row, column) with their totals, suppressed together (see the module)."""

    def __init__(
        self,
        counts: dict[tuple[Hashable, Hashable], int],
        rows: Iterable[Hashable] = (),
        columns: Iterable[Hashable] = (),
        least: int | None = None,
    ) -> None:
        least = minimum() if least is None else least
        self.rows = sorted({*rows, *(row for row, _c in counts)}, key=str)
        self.columns = sorted({*columns, *(column for _r, column in counts)}, key=str)
        values: dict[tuple, int] = {}
        for (row, column), count in counts.items():
            values[(row, column)] = values.get((row, column), 0) + count
            values[(row, ALL)] = values.get((row, ALL), 0) + count
            values[(ALL, column)] = values.get((ALL, column), 0) + count
            values[(ALL, ALL)] = values.get((ALL, ALL), 0) + count
        self._values = values
        self._small = {key for key, value in values.items() if is_small(value, least)}
        self._hidden = set(self._small)
        self._hide_derivable()

    def _lines(self) -> list[tuple[list[tuple], tuple]]:
        """Each sum the table publishes: (the figures added up, their total)."""
        lines = [([(row, c) for c in self.columns], (row, ALL)) for row in self.rows]
        lines += [([(r, column) for r in self.rows], (ALL, column)) for column in self.columns]
        lines.append(([(ALL, c) for c in self.columns], (ALL, ALL)))
        lines.append(([(r, ALL) for r in self.rows], (ALL, ALL)))
        return lines

    def _hide_derivable(self) -> None:
        lines = self._lines()
        changed = True
        while changed:  # each pass hides at least one more figure, or ends
            changed = False
            for parts, total in lines:
                members = [*parts, total]
                if sum(1 for key in members if key in self._hidden) != 1:
                    continue
                candidates = [
                    key for key in members if key not in self._hidden and self._values.get(key, 0)
                ]
                if not candidates:  # nothing else to hide: the hidden one is not derivable
                    continue
                # The smallest part first (the least lost); the total only when no part is left.
                self._hidden.add(
                    min(candidates, key=lambda key: (key == total, self._values[key], str(key)))
                )
                changed = True

    def raw(self, row: Hashable = ALL, column: Hashable = ALL) -> int:
        """The count itself, for a figure derived from it (never publish it)."""
        return self._values.get((row, column), 0)

    def is_hidden(self, row: Hashable = ALL, column: Hashable = ALL) -> bool:
        return (row, column) in self._hidden

    def is_small(self, row: Hashable = ALL, column: Hashable = ALL) -> bool:
        """Whether (ROW, COLUMN) is hidden because it is small itself (not to protect another)."""
        return (row, column) in self._small

    def cell(self, row: Hashable = ALL, column: Hashable = ALL) -> Cell:
        """The published count of (ROW, COLUMN); ALL for a total."""
        if self.is_hidden(row, column):
            return Cell.hidden(small=self.is_small(row, column))
        return Cell(value=self.raw(row, column))
