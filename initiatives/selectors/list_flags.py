"""Whether a dream has anything in the lists read with a query of their own (issues 16 and 17):
its applications to a fund, its plan, its dilemmas, its partner invitations; for the
resident's page also whether its neighbourhood has a platform.

Most dreams have none of these. Read as flags with the dream (EXISTS subqueries: the staff
workspace's one query, workspace_query.FLAGS, or the annotations below), the list's selector
answers "nothing" without a query of its own when the flag is false (may_have). A dream read
without the flags (a Dream(pk=...) in a service, an older read) is read as before.
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from initiatives.dilemma_models import Dilemma
from initiatives.models import Application, Dream
from initiatives.partner_models import PartnerInvitation
from initiatives.plan_models import Contribution, PlanNeed
from initiatives.platform_models import Platform


def _of_dream(model) -> Exists:
    return Exists(model.objects.filter(dream_id=OuterRef("pk")))


def list_flags(*, platform: bool = False) -> dict:
    """The annotations that set the flags on a Dream queryset (has_applications, has_plan,
    has_dilemmas, has_partners; with PLATFORM has_platform): .annotate(**list_flags())."""
    flags = {
        "has_applications": _of_dream(Application),
        "has_plan": ExpressionWrapper(
            Q(_of_dream(PlanNeed)) | Q(_of_dream(Contribution)), output_field=BooleanField()
        ),
        "has_dilemmas": _of_dream(Dilemma),
        "has_partners": _of_dream(PartnerInvitation),
    }
    if platform:
        flags["has_platform"] = Exists(
            Platform.objects.filter(neighbourhood_id=OuterRef("neighbourhood_id"))
        )
    return flags


def may_have(dream: Dream, flag: str) -> bool:
    """False when DREAM was read with FLAG and it says there is nothing; else True."""
    return getattr(dream, flag, True) is not False
