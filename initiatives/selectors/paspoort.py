"""The paspoort (issue 17): what staff read of it, and what the review form cites."""

from dataclasses import dataclass, field

from initiatives.paspoort_models import PaspoortPart


@dataclass
class PaspoortEntry:
    """One part of the paspoort: its newest version and the versions before it."""

    key: str
    latest: PaspoortPart
    earlier: list[PaspoortPart] = field(default_factory=list)

    @property
    def is_current(self) -> bool:
        return self.latest.is_current


def paspoort_current() -> list[PaspoortPart]:
    """The parts of the paspoort as it reads now, in their order. One query."""
    return list(
        PaspoortPart.objects.filter(is_current=True)
        .only("id", "key", "version", "position", "title")
        .order_by("position", "key")
    )


def paspoort_page() -> dict[str, list[PaspoortEntry]]:
    """Every part with all its versions, for the paspoort page: "current" holds the parts of
    the paspoort in their order, "removed" the parts taken out of it (kept for the reviews
    that cited them), newest first. One query."""
    entries: dict[str, PaspoortEntry] = {}
    versions = PaspoortPart.objects.select_related("written_by").order_by("key", "-version")
    for part in versions:
        entry = entries.get(part.key)
        if entry is None:
            entries[part.key] = PaspoortEntry(key=part.key, latest=part)
        else:
            entry.earlier.append(part)
    current = sorted(
        (e for e in entries.values() if e.is_current),
        key=lambda e: (e.latest.position, e.key),
    )
    removed = sorted(
        (e for e in entries.values() if not e.is_current),
        key=lambda e: e.latest.created_at,
        reverse=True,
    )
    return {"current": current, "removed": removed}


def paspoort_part_current(*, key: str, exists: bool = False) -> PaspoortPart | bool:
    """The current version of part KEY; raises PaspoortPart.DoesNotExist. With EXISTS only
    whether there is one."""
    parts = PaspoortPart.objects.filter(key=key, is_current=True)
    return parts.exists() if exists else parts.get()
