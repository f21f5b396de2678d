"""A neighbourhood platform with its people, for the platform tests (services, selectors, pages)."""

from initiatives.platform_models import AgendaItem, Platform, PlatformMember
from tests.factories import DreamFactory, UserFactory


def make_platform(neighbourhood, *, name="Wijkplatform Drunen", slug="wijkplatform-drunen"):
    return Platform.objects.create(
        neighbourhood=neighbourhood,
        name=name,
        slug=slug,
        introduction="Wij zijn de bewoners van Drunen die samen de wijkagenda schrijven.",
    )


def add_member(platform, user=None, *, role=PlatformMember.Role.MEMBER, **user_fields):
    user = user or UserFactory(**user_fields)
    return PlatformMember.objects.create(platform=platform, user=user, role=role)


def shared_dream(platform, *, title, show_publicly=False, **fields):
    """A dream of PLATFORM's neighbourhood that its resident shares with the platform; its
    resident has a name, address details and a phone number that members must never read."""
    resident = fields.pop("resident", None) or UserFactory(
        full_name="Geheime Bewoner", phone="0611111111"
    )
    return DreamFactory(
        resident=resident,
        neighbourhood=platform.neighbourhood,
        title=title,
        show_publicly=show_publicly,
        shared_with_platform=True,
        location="Geheimstraat 13",
        contact_name="Geheime Bewoner",
        contact_phone="0612345678",
        **fields,
    )


def add_item(platform, title="Veilig naar school", position=0, **fields):
    return AgendaItem.objects.create(
        platform=platform,
        title=title,
        description=fields.pop("description", "Kinderen moeten veilig naar school kunnen."),
        position=position,
        **fields,
    )
