"""The paspoort (issue 17): the functional administrator writes and edits its parts.

Editing a part's title or text adds a version and keeps the ones before: a core-value review
that cited a part keeps showing what that part said when it was weighed. Moving a part only
changes its position. Removing a part takes it out of the paspoort (no version is current any
more); its versions are kept, so that the reviews that cited it still show them.
"""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from initiatives.exceptions import NotAllowed
from initiatives.paspoort_models import PaspoortPart
from initiatives.services._core import _require_role

# The paspoort is a thin frame: a handful of short parts, not a rule book.
PASPOORT_MAX_PARTS = 30


def _require_administrator(by: User) -> None:
    _require_role(by, Role.ADMINISTRATOR)


def _clean(title: str, text: str) -> tuple[str, str]:
    title, text = title.strip(), text.strip()
    if not title or not text:
        raise NotAllowed(_("A part of the paspoort needs a title and a text."))
    return title, text


def _current_for_update(key: str) -> PaspoortPart:
    try:
        return PaspoortPart.objects.select_for_update().get(key=key, is_current=True)
    except PaspoortPart.DoesNotExist:
        raise NotAllowed(_("This part is no longer in the paspoort.")) from None


def _free_key(title: str) -> str:
    base = (slugify(title) or "deel")[:50]
    taken = set(
        PaspoortPart.objects.filter(key__startswith=base).values_list("key", flat=True).distinct()
    )
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


@transaction.atomic
def paspoort_part_add(
    *, by: User, title: str, text: str, position: int | None = None
) -> PaspoortPart:
    """Add a new part to the paspoort, at POSITION (None: at the end)."""
    _require_administrator(by)
    title, text = _clean(title, text)
    # One writer at a time: the rows of the current paspoort are locked while a part is added.
    current = list(PaspoortPart.objects.select_for_update().filter(is_current=True))
    if len(current) >= PASPOORT_MAX_PARTS:
        raise NotAllowed(
            _("The paspoort has %(count)s parts already: keep it thin.")
            % {"count": PASPOORT_MAX_PARTS}
        )
    if position is None:
        position = max((part.position for part in current), default=0) + 10
    part = PaspoortPart(
        key=_free_key(title),
        version=1,
        is_current=True,
        position=position,
        title=title,
        text=text,
        written_by=by,
    )
    part.full_clean()
    try:
        with transaction.atomic():
            part.save()
    except IntegrityError:  # the same title added at the same moment by someone else
        raise NotAllowed(_("Someone else just changed the paspoort: try again.")) from None
    return part


@transaction.atomic
def paspoort_part_revise(
    *, key: str, by: User, title: str, text: str, position: int | None = None
) -> PaspoortPart:
    """Edit part KEY: a new title or text makes a new version (the old one is kept); a new
    POSITION alone moves the current version. Returns the part's current version."""
    _require_administrator(by)
    title, text = _clean(title, text)
    current = _current_for_update(key)
    position = current.position if position is None else position
    if title == current.title and text == current.text:
        if position == current.position:
            raise NotAllowed(_("Nothing has changed: change the title, the text or the position."))
        PaspoortPart.objects.filter(pk=current.pk).update(position=position)
        current.position = position
        return current
    latest = PaspoortPart.objects.filter(key=key).aggregate(latest=Max("version"))["latest"]
    PaspoortPart.objects.filter(pk=current.pk).update(is_current=False)
    part = PaspoortPart(
        key=key,
        version=latest + 1,
        is_current=True,
        position=position,
        title=title,
        text=text,
        written_by=by,
        created_at=timezone.now(),
    )
    part.full_clean()
    part.save()
    return part


@transaction.atomic
def paspoort_part_remove(*, key: str, by: User) -> PaspoortPart:
    """Take part KEY out of the paspoort. Its versions are kept for the reviews that cited
    them; a review can no longer cite it."""
    _require_administrator(by)
    current = _current_for_update(key)
    PaspoortPart.objects.filter(pk=current.pk).update(is_current=False)
    current.is_current = False
    return current
