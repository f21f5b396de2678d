"""What the assembly's public page and its registration form read (issue 18, stage 2)."""

from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from initiatives.assembly_models import (
    Assembly,
    AssemblyFeature,
    AssemblyFeatureValue,
    AssemblyMeeting,
)


def assembly_public(slug: str) -> Assembly | None:
    """Return the assembly at SLUG, for its public page, or None."""
    return Assembly.objects.filter(slug=slug).first()


def registration_open(assembly: Assembly, today: date | None = None) -> bool:
    """Whether ASSEMBLY takes registrations now: letters out, closing day not passed."""
    today = today or timezone.localdate()
    closes_on = assembly.registration_closes_on
    return assembly.stage == Assembly.Stage.INVITING and (closes_on is None or today <= closes_on)


def registration_features(assembly: Assembly) -> list[AssemblyFeature]:
    """The questions the registration form asks, each with its answers (two queries)."""
    return list(
        AssemblyFeature.objects.filter(assembly=assembly).prefetch_related(
            Prefetch("values", queryset=AssemblyFeatureValue.objects.order_by("position", "id"))
        )
    )


def registration_meetings(assembly: Assembly) -> list[AssemblyMeeting]:
    """The assembly's meetings still to come, to say on which dates one can come."""
    return list(
        AssemblyMeeting.objects.filter(assembly=assembly, starts_at__gte=timezone.now()).order_by(
            "starts_at", "id"
        )
    )
