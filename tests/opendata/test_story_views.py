"""The public story pages (issue 19): the gallery with its filters and pages, a story with its
Open Graph tags, its photos, the Atom feed; 404 for anything not shared as a story."""

import re
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from initiatives import services
from initiatives.models import Dream, Grant
from initiatives.publication_models import Publication, PublicationPhoto
from initiatives.statuses import Status
from tests.factories import (
    FundFactory,
    NeighbourhoodFactory,
    StaffFactory,
    ThemeFactory,
)
from tests.story_helpers import add_photo, shared_story

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def gallery(client, **query):
    return client.get(reverse("stories:gallery"), query)


def test_the_gallery_lists_shared_stories_only(client):
    shown = shared_story(photo_role="after")
    withdrawn = shared_story()
    Publication.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    unrealised = shared_story()
    Dream.objects.filter(pk=unrealised.dream_id).update(status=Status.IN_PROGRESS)
    anonymised = shared_story()
    Dream.objects.filter(pk=anonymised.dream_id).update(anonymised_at=timezone.now())
    response = gallery(client)
    assert response.status_code == 200
    page = response.content.decode()
    assert shown.title in page and 'alt="Het nieuwe bankje bij de vijver"' in page
    for hidden in (withdrawn, unrealised, anonymised):
        assert hidden.title not in page
        assert client.get(reverse("stories:story", args=[hidden.dream_id])).status_code == 404


def test_the_gallery_and_the_home_page_show_one_card_at_their_heading_level(client):
    """One card (opendata/_story_card.html): a page's heading in the gallery, under the home
    page's section heading one level lower; the same facts on both."""
    story = shared_story(photo_role="after")
    href = reverse("stories:story", args=[story.dream_id])
    link = f'<a class="utrecht-link utrecht-link--html-a" href="{href}">{story.title}</a>'
    pages = {2: gallery(client).content.decode(), 3: client.get("/").content.decode()}
    for level, page in pages.items():
        assert f'<h{level} class="utrecht-heading-3">{link}</h{level}>' in page
        assert 'alt="Het nieuwe bankje bij de vijver"' in page
        assert f"{story.dream.neighbourhood.name} · {story.dream.theme.name} · " in page


def test_the_gallery_filters_by_neighbourhood_and_theme(client):
    drunen, vlijmen = NeighbourhoodFactory(name="Drunen"), NeighbourhoodFactory(name="Vlijmen")
    green, play = ThemeFactory(name="Groen"), ThemeFactory(name="Spelen")
    a = shared_story(neighbourhood=drunen, theme=green)
    b = shared_story(neighbourhood=drunen, theme=play)
    c = shared_story(neighbourhood=vlijmen, theme=green)
    page = gallery(client, wijk=drunen.pk).content.decode()
    assert a.title in page and b.title in page and c.title not in page
    page = gallery(client, wijk=drunen.pk, thema=green.pk).content.decode()
    assert a.title in page and b.title not in page and c.title not in page
    assert f'<option value="{drunen.pk}" selected>' in page


@pytest.mark.parametrize(
    "query",
    [
        {"wijk": "abc"},
        {"wijk": "-1"},
        {"wijk": "99999999999999999999999"},
        {"thema": "1 OR 1=1"},
        {"thema": "\x00"},
        {"pagina": "0"},
        {"pagina": "-3"},
        {"pagina": "9999"},
        {"pagina": "\u0661"},  # an Arabic-Indic digit: isdigit() but not ASCII
        {"wijk": ["1", "2"]},
    ],
)
def test_hostile_filter_values_show_the_gallery(client, query):
    story = shared_story()
    response = gallery(client, **query)
    assert response.status_code == 200
    assert story.title in response.content.decode()


def test_the_gallery_pages(client):
    stories = [shared_story() for _ in range(14)]
    first = gallery(client).content.decode()
    assert "pagina=2" in first and stories[-1].title in first
    second = gallery(client, pagina=2).content.decode()
    assert stories[0].title in second and stories[-1].title not in second
    assert "Pagina 2 van 2" in second


def test_the_gallery_reads_a_fixed_number_of_queries(client, django_assert_num_queries):
    for n in range(3):
        shared_story(photo_role="after" if n % 2 else None)
    with django_assert_num_queries(4):  # neighbourhoods, themes, the count, the page
        assert gallery(client).status_code == 200
    for _n in range(12):
        shared_story(photo_role="after")
    cache.clear()  # the factories write past the services, which would raise the version
    with django_assert_num_queries(4):
        assert gallery(client, pagina=1).status_code == 200


def test_the_gallery_is_cached_until_the_open_data_changes(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    publication = shared_story()
    gallery(client)
    with django_assert_num_queries(0):
        assert publication.title in gallery(client).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_withdraw(dream=publication.dream, by=publication.dream.resident)
    assert publication.title not in gallery(client).content.decode()


def test_made_up_filter_values_are_cached_as_what_was_understood(client, django_assert_num_queries):
    """Made-up ids and pages must not each get their own entry in the shared cache: they are
    read as no filter and the last page, so they are served from the plain gallery's entry."""
    publication = shared_story()
    gallery(client)
    for query in ({"wijk": "424242"}, {"thema": "abc"}, {"pagina": "9999"}, {"pagina": "77"}):
        with django_assert_num_queries(0):
            assert publication.title in gallery(client, **query).content.decode()


def test_a_story_shows_what_was_shared_and_the_steps(client):
    publication = shared_story(photo_role="after")
    dream = publication.dream
    before = add_photo(dream)
    PublicationPhoto.objects.create(
        publication=publication, photo=before, role="before", alt_text="Het kale grasveld"
    )
    fund = FundFactory()
    staff = StaffFactory()
    for amount, state in ((Decimal("250.00"), "granted"), (Decimal("100.00"), "rejected")):
        Grant.objects.create(
            dream=dream, fund=fund, amount=amount, purpose="Verf", state=state, requested_by=staff
        )
    Publication.objects.filter(pk=publication.pk).update(helped_by="Buurman Kees <b>")
    response = client.get(reverse("stories:story", args=[dream.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert publication.dreamt in page and publication.own_part in page
    assert "Buurman Kees &lt;b&gt;" in page
    # Only the granted money, never the rejected grant's nor the sum of both.
    assert re.findall(r"€\s*(\d[\d.]*,\d\d)", page) == ["250,00"]
    assert 'alt="Het kale grasveld"' in page and 'alt="Het nieuwe bankje bij de vijver"' in page
    assert page.count("<time ") == 3  # handed in, picked up, realised
    # Plain Dutch: not "Voor"/"Na" (read as "for"/"after") nor the status word "Gerealiseerd".
    assert "Zo was het</h2>" in page and "<figcaption>Zo is het nu</figcaption>" in page
    assert "Uitgekomen: <time" in page and "Gerealiseerd" not in page
    # Never the dream's own texts or the resident's name.
    assert dream.story not in page and dream.resident.full_name not in page


def test_the_story_names_the_partner_organisations_that_helped(client):
    from initiatives.partner_models import Organisation, PartnerInvitation

    publication = shared_story()
    staff = StaffFactory()
    helping = Organisation.objects.create(
        kind="housing",
        name="Woonstichting De Hoeve",
        contact_name="Jan Contact",
        contact_email="jan@hoeve.example",
        one_face=staff,
    )
    gone = Organisation.objects.create(
        kind="school",
        name="Basisschool Het Anker",
        contact_name="Els",
        contact_email="els@anker.example",
        one_face=staff,
    )
    for organisation, withdrawn in ((helping, None), (gone, timezone.now())):
        PartnerInvitation.objects.create(
            dream=publication.dream,
            organisation=organisation,
            email=organisation.contact_email,
            invited_by=staff,
            token_hash=organisation.name[:10].ljust(64, "0"),
            expires_at=timezone.now() - timezone.timedelta(days=1),
            withdrawn_at=withdrawn,
        )
    page = client.get(reverse("stories:story", args=[publication.dream_id])).content.decode()
    assert "Woonstichting De Hoeve" in page
    assert "Basisschool Het Anker" not in page and "Jan Contact" not in page


def test_a_story_reads_a_fixed_number_of_queries(client, django_assert_num_queries):
    publication = shared_story(photo_role="after")
    with django_assert_num_queries(3):  # the story with its money, the photos, the partners
        client.get(reverse("stories:story", args=[publication.dream_id]))


def test_open_graph_tags(client, settings):
    with_photo = shared_story(photo_role="after")
    without = shared_story()
    page = client.get(reverse("stories:story", args=[with_photo.dream_id])).content.decode()
    story_url = settings.SITE_URL + reverse("stories:story", args=[with_photo.dream_id])
    chosen = PublicationPhoto.objects.get(publication=with_photo)
    photo_url = settings.SITE_URL + reverse("stories:photo", args=[with_photo.dream_id, chosen.pk])
    assert f'<meta property="og:title" content="{with_photo.title}">' in page
    assert '<meta property="og:description" content="Een bankje bij de vijver' in page
    assert f'<meta property="og:url" content="{story_url}">' in page
    assert f'<meta property="og:image" content="{photo_url}">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    page = client.get(reverse("stories:story", args=[without.dream_id])).content.decode()
    assert "og:image" not in page and '<meta name="twitter:card" content="summary">' in page


def test_a_photo_is_served_only_while_chosen_in_a_shared_story(client):
    publication = shared_story(photo_role="after")
    chosen = PublicationPhoto.objects.get(publication=publication)
    url = reverse("stories:photo", args=[publication.dream_id, chosen.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert f'filename="verhaal-foto-{chosen.pk}.jpg"' in response["Content-Disposition"]
    # Not through another dream's story, and not once withdrawn.
    other = shared_story()
    assert client.get(reverse("stories:photo", args=[other.dream_id, chosen.pk])).status_code == 404
    services.publication_withdraw(dream=publication.dream, by=publication.dream.resident)
    assert client.get(url).status_code == 404


def stored_bytes(photo) -> bytes:
    with photo.image.open("rb") as handle:
        return handle.read()


def served_bytes(client, dream_id: int, photo_pk: int) -> bytes | None:
    """The bytes the story's photo view serves for PHOTO_PK, None when it answers 404."""
    response = client.get(reverse("stories:photo", args=[dream_id, photo_pk]))
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_an_unchosen_photo_of_the_dream_is_not_served(client):
    publication = shared_story()
    dream = publication.dream
    kept, dropped = add_photo(dream, size=(40, 30)), add_photo(dream, size=(64, 48))
    kept_bytes, dropped_bytes = stored_bytes(kept), stored_bytes(dropped)
    assert kept_bytes != dropped_bytes
    # Both chosen, then the second left out again: it had a story photo id of its own.
    both = services.publication_photos_set(
        dream=dream,
        by=dream.resident,
        choices=[
            services.PhotoChoice(kept.pk, "before", "Het kale grasveld"),
            services.PhotoChoice(dropped.pk, "after", "De nieuwe bank"),
        ],
    )
    dropped_choice = next(chosen for chosen in both if chosen.photo_id == dropped.pk)
    [chosen] = services.publication_photos_set(
        dream=dream,
        by=dream.resident,
        choices=[services.PhotoChoice(kept.pk, "before", "Het kale grasveld")],
    )
    assert served_bytes(client, dream.pk, chosen.pk) == kept_bytes
    # The dropped photo by every id it could be asked for: its own (DreamPhoto) id and the
    # story photo id it had. Never its bytes; a 404 unless that id happens to be the chosen
    # photo's, which rightly serves the chosen one.
    for photo_pk in (dropped.pk, dropped_choice.pk, kept.pk):
        served = served_bytes(client, dream.pk, photo_pk)
        assert served != dropped_bytes
        if photo_pk != chosen.pk:
            assert served is None, photo_pk


def test_the_atom_feed_lists_the_stories(client, settings):
    settings.SITE_URL = "https://dromen.heusden.example"  # not the test client's Host
    older = shared_story()
    Publication.objects.filter(pk=older.pk).update(
        story_published_at=timezone.now() - timezone.timedelta(days=3)
    )
    newer = shared_story()
    Publication.objects.filter(pk=newer.pk).update(dreamt="Een <script>alert(1)</script> plek")
    withdrawn = shared_story()
    Publication.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    response = client.get(reverse("stories:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own answer)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert titles == [newer.title, older.title]
    assert root.findtext(f"{ATOM}subtitle") == (
        "Verhalen van dromen die uitkwamen, gedeeld door de inwoners."
    )
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == settings.SITE_URL + reverse("stories:story", args=[newer.dream_id])
    # Every address and id in it comes from SITE_URL, never from the request's Host header.
    links = [element.get("href") for element in root.iter(f"{ATOM}link")]
    ids = [element.text for element in root.iter(f"{ATOM}id")]
    assert len(links) == 2 + len(entries) and len(ids) == 1 + len(entries)
    for address in links + ids:
        assert address.startswith(settings.SITE_URL + "/"), address
    assert b"testserver" not in response.content
    # The summary is HTML: the resident's text arrives escaped, never as markup.
    assert entries[0].findtext(f"{ATOM}summary") == "Een &lt;script&gt;alert(1)&lt;/script&gt; plek"


def test_the_feed_and_the_home_page_read_one_query_however_many(client, django_assert_num_queries):
    shared_story(photo_role="after")
    with django_assert_num_queries(1):
        client.get(reverse("stories:feed"))
    with django_assert_num_queries(2):  # the newest stories with their covers; the promises
        client.get(reverse("residents:home"))
    for _n in range(4):
        shared_story(photo_role="after")
    cache.clear()  # the factories write past the services, which would raise the version
    with django_assert_num_queries(1):
        assert client.get(reverse("stories:feed")).content.count(b"<entry>") == 5
    with django_assert_num_queries(2):
        assert client.get(reverse("residents:home")).content.count(b"portal-story-cover") == 3


def test_the_home_pages_stories_are_cached_until_the_open_data_changes(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    publication = shared_story()
    client.get(reverse("residents:home"))
    with django_assert_num_queries(0):  # the whole page from the cache (config/cached_pages.py)
        assert publication.title in client.get(reverse("residents:home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_withdraw(dream=publication.dream, by=publication.dream.resident)
    assert publication.title not in client.get(reverse("residents:home")).content.decode()
    other = shared_story()
    cache.clear()  # the factory wrote past the services
    assert other.title in client.get(reverse("residents:home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_change(
            dream=other.dream,
            by=other.dream.resident,
            title="Een nieuwe titel voor het verhaal",
            dreamt=other.dreamt,
            own_part=other.own_part,
        )
    content = client.get(reverse("residents:home")).content.decode()
    assert "Een nieuwe titel voor het verhaal" in content and other.title not in content
