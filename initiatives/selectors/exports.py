"""CSV exports of the staff dream list: the rows of a file, and the exports a person may see."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from initiatives.models import DreamExport
from initiatives.statuses import Status


def dream_export_header() -> list[str]:
    """Return the first row of a dream export: the column names, in the active language."""
    return [
        _("Number"),
        _("Title"),
        _("Status"),
        _("Village or neighbourhood"),
        _("Theme"),
        _("MogelijkMaker"),
        _("Handed in"),
        _("Last update for the resident"),
    ]


def dream_export_rows(dreams: QuerySet) -> Iterator[list[str]]:
    """Yield one row of plain text per dream of DREAMS, in their order, without the header.

    Plain values, not model instances, read from the database a few thousand at a time:
    a million rows take the memory of one batch.
    """
    labels = {value: str(label) for value, label in Status.choices}
    names: dict[int, str] = {}
    here = timezone.get_current_timezone()

    def moment(value) -> str:
        return value.astimezone(here).strftime("%Y-%m-%d %H:%M") if value else ""

    rows = dreams.values_list(
        "pk",
        "title",
        "status",
        "neighbourhood__name",
        "theme__name",
        "contact_id",
        "contact__full_name",
        "contact__email",
        "contact__is_staff",
        "submitted_at",
        "last_public_update_at",
    )
    for row in rows.iterator(chunk_size=2000):
        pk, title, status, neighbourhood, theme, contact_id, *contact, submitted, updated = row
        if contact_id and contact_id not in names:
            full_name, email, is_staff = contact
            names[contact_id] = User(
                full_name=full_name, email=email, is_staff=is_staff
            ).get_full_name()
        yield [
            str(pk),
            title,
            labels.get(status, status),
            neighbourhood,
            theme,
            names[contact_id] if contact_id else "",
            moment(submitted),
            moment(updated),
        ]


def export_of(*, user: User, pk: int) -> DreamExport:
    """Return export PK if USER asked for it; DreamExport.DoesNotExist otherwise.

    An export holds what its maker's filters found: it is theirs alone, as a download
    on their own computer would be.
    """
    return DreamExport.objects.get(pk=pk, requested_by=user)
