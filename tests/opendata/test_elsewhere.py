"""'Elders gelukt' (/elders-gelukt/): the peers' realised dreams, newest first, each with its
source named and a link to the story there; escaped; paginated in a fixed number of queries;
stories of a peer no longer (successfully) fetched left out."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.peer_models import PeerInstallation, PeerStory

pytestmark = pytest.mark.django_db

URL = "/elders-gelukt/"


def _peer(name="Gemeente Vught", **fields) -> PeerInstallation:
    return PeerInstallation.objects.create(
        name=name,
        feed_url=f"https://{name.split()[-1].lower()}.example/api/v1/stories/",
        last_success_at=timezone.now(),
        **fields,
    )


def _story(peer, number: int, **fields) -> PeerStory:
    values = {
        "title": f"Verhaal {number}",
        "village": "Cromvoirt",
        "theme": "Spelen",
        "dreamt": "Een speeltuin.",
        "own_part": "Samen geverfd.",
        "realised_on": date(2026, 1, 1) + timedelta(days=number),
        "granted_total": Decimal("1250.00"),
        "url": f"https://vught.example/verhalen/{number}/",
    }
    return PeerStory.objects.create(peer=peer, remote_id=str(number), **(values | fields))


def test_the_address():
    assert reverse("peers:elsewhere") == URL


def test_a_story_with_its_source_and_link(client):
    _story(_peer(), 1)
    content = client.get(URL).content.decode()
    # The page's own heading: every page's footer links to "Elders gelukt" as well.
    assert re.search(r"<h1\b[^>]*>(.*?)</h1>", content, re.S).group(1).strip() == "Elders gelukt"
    assert "Verhaal 1" in content
    assert "Gemeente Vught" in content
    assert 'href="https://vught.example/verhalen/1/"' in content
    assert "Lees het hele verhaal bij Gemeente Vught" in content
    assert "€&nbsp;1.250,00" in content
    assert "Uitgekomen op 2 januari 2026" in content


def test_newest_first_across_peers(client):
    vught, capelle = _peer(), _peer("Gemeente Capelle")
    _story(vught, 1)
    _story(capelle, 3)
    _story(vught, 2)
    content = client.get(URL).content.decode()
    assert content.index("Verhaal 3") < content.index("Verhaal 2") < content.index("Verhaal 1")


def test_nothing_from_a_peer_is_rendered_as_markup(client):
    peer = _peer(name='Vught"><script>alert(1)</script>')
    _story(peer, 1, title="<script>alert(2)</script>", dreamt="<img src=x onerror=alert(3)>")
    content = client.get(URL).content.decode()
    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in content


def test_an_inactive_or_stale_peer_is_left_out(client):
    """With the default (PEER_STORIES_STALE_DAYS=1): a peer whose fetches failed for a day is
    gone; one that last worked 23 hours ago (a night of failures) is still shown."""
    _story(_peer(active=False), 1)
    stale = _peer("Gemeente Boxtel")
    stale.last_success_at = timezone.now() - timedelta(hours=25)
    stale.save()
    _story(stale, 2)
    _story(_peer("Gemeente Capelle"), 3)
    lately = _peer("Gemeente Oss")
    lately.last_success_at = timezone.now() - timedelta(hours=23)
    lately.save()
    _story(lately, 4)
    content = client.get(URL).content.decode()
    assert "Verhaal 3" in content and "Verhaal 4" in content
    assert "Verhaal 1" not in content and "Verhaal 2" not in content


def test_no_stories_yet(client):
    assert "Er zijn nog geen verhalen uit andere gemeenten." in client.get(URL).content.decode()


def test_pages(client):
    peer = _peer()
    for number in range(1, 26):
        _story(peer, number)
    first = client.get(URL).content.decode()
    assert "Verhaal 25" in first and "Verhaal 5<" not in first
    assert "Pagina 1 van 2" in first
    second = client.get(URL, {"pagina": "2"}).content.decode()
    assert "Verhaal 5<" in second and "Verhaal 25" not in second
    # A page number typed by hand that is none: a real page, not an error.
    assert client.get(URL, {"pagina": "veel"}).status_code == 200
    assert client.get(URL, {"pagina": "99"}).status_code == 200


@pytest.mark.parametrize("count", [1, 40])
def test_a_fixed_number_of_queries(client, count, django_assert_num_queries):
    peer, other = _peer(), _peer("Gemeente Capelle")
    for number in range(count):
        _story(peer if number % 2 else other, number)
    with django_assert_num_queries(2):  # the count, the page with its peers
        assert client.get(URL).status_code == 200
