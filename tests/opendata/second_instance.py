"""What the two-instance test does inside the second installation, run there with
`manage.py shell -c` against its own database (tests/opendata/test_two_instances.py)."""

from django.utils import timezone

from initiatives import services
from initiatives.publication_models import Publication
from tests.factories import DreamFactory, NeighbourhoodFactory, PublicationFactory, ThemeFactory

TITLE = "Een pluktuin aan de Dommel"


def story_publish() -> None:
    """A realised dream whose resident shared it as a story."""
    dream = DreamFactory(
        title="Pluktuin",
        neighbourhood=NeighbourhoodFactory(name="Cromvoirt"),
        theme=ThemeFactory(name="Groen"),
        status="realised",
        closed_at=timezone.now(),
    )
    PublicationFactory(dream=dream, title=TITLE, own_part="Wij wieden elke zaterdag.")


def story_withdraw() -> None:
    """Its resident withdraws consent, through the service the resident's page calls."""
    dream = Publication.objects.select_related("dream__resident").get(title=TITLE).dream
    services.publication_withdraw(dream=dream, by=dream.resident)
