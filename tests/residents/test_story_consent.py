"""The resident shares their dream as a story on its page (issue 19): the texts with clear
messages beside the fields and nothing typed lost, the photos with their descriptions, and
"stop sharing" after a page that says what happens."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Dream, EventKind
from initiatives.publication_models import Publication, PublicationPhoto
from initiatives.statuses import Status
from tests.story_helpers import add_photo

pytestmark = pytest.mark.django_db

TEXTS = {
    "title": "Bankje bij de vijver",
    "dreamt": "Een plek om uit te rusten.",
    "own_part": "Wij verven het elk jaar.",
    "helped_by": "",
}


@pytest.fixture
def realised(dream, resident, client):
    Dream.objects.filter(pk=dream.pk).update(status=Status.REALISED, closed_at=timezone.now())
    client.force_login(resident)
    return dream


def detail(client, dream) -> str:
    return client.get(reverse("residents:dream_detail", args=[dream.pk])).content.decode()


def story_section(page: str) -> str:
    """The story section (section#verhaal) of a dream's page: its texts, not the platform
    section's, which says "shared" about something else."""
    found = re.search(r'<section\b[^>]*\bid="verhaal"[^>]*>(.*?)</section>', page, re.S)
    assert found, "no story section on the page"
    return found.group(1)


def field_error(page: str, field: str) -> str:
    """The text of FIELD's own error element, the one beside it that the field's
    aria-describedby names; not the form's summary at the top, which lists it too."""
    found = re.search(
        rf'<div class="utrecht-form-field-error-message" id="id_{field}_error">(.*?)</div>',
        page,
        re.S,
    )
    assert found, f"no error beside the field {field}"
    return found.group(1)


def test_the_page_offers_to_share_in_plain_dutch(client, realised):
    page = detail(client, realised)
    assert "Deel je verhaal" in page
    assert "Open data is een lijst met gegevens over dromen." in page
    # Once above the text fields, short in each, and no invitation to name neighbours.
    assert page.count("Iedereen kan lezen wat je hier schrijft, ook andere gemeenten.") == 1
    assert page.count("Geen namen van mensen of adressen.") == 2
    assert "Bijvoorbeeld: de buren, de voetbalclub. Geen namen van mensen." in page
    assert "Je verhaal staat niet op de website." in story_section(page)
    assert reverse("residents:story_share", args=[realised.pk]) in page


def test_the_page_of_an_unconfirmed_dream_does_not_offer_it(client, dream, resident):
    Dream.objects.filter(pk=dream.pk).update(status=Status.UNCONFIRMED, submitted_at=None)
    client.force_login(resident)
    assert reverse("residents:story_share", args=[dream.pk]) not in detail(client, dream)


def test_sharing_with_the_texts(client, realised):
    response = client.post(reverse("residents:story_share", args=[realised.pk]), TEXTS)
    assert response.status_code == 302
    publication = Publication.objects.get(dream=realised)
    assert publication.is_shared and publication.story_published_at is not None
    page = detail(client, realised)
    assert reverse("stories:story", args=[realised.pk]) in page
    assert "Je verhaal staat op de website." in story_section(page)
    assert client.get(reverse("stories:story", args=[realised.pk])).status_code == 200


def test_a_missing_text_is_told_beside_its_field_and_nothing_typed_is_lost(client, realised):
    response = client.post(
        reverse("residents:story_share", args=[realised.pk]),
        {**TEXTS, "title": "", "dreamt": "Mijn lange verhaal " * 200},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Geef je verhaal een titel." in field_error(page, "title")
    assert "Gebruik maximaal 2000 tekens" in field_error(page, "dreamt")
    assert "Wij verven het elk jaar." in page and "Mijn lange verhaal" in page
    assert not Publication.objects.exists()


def test_changing_the_texts(client, realised):
    client.post(reverse("residents:story_share", args=[realised.pk]), TEXTS)
    client.post(
        reverse("residents:story_share", args=[realised.pk]), {**TEXTS, "title": "Nieuwe titel"}
    )
    assert Publication.objects.get(dream=realised).title == "Nieuwe titel"
    assert realised.events.filter(kind=EventKind.PUBLISHED).count() == 1


def test_choosing_photos_needs_a_description(client, realised):
    photo = add_photo(realised)
    client.post(reverse("residents:story_share", args=[realised.pk]), TEXTS)
    url = reverse("residents:story_photos", args=[realised.pk])
    role, alt = f"photo-{photo.pk}-role", f"photo-{photo.pk}-alt"
    assert role in detail(client, realised)
    response = client.post(url, {role: "after", alt: ""})
    assert response.status_code == 400
    assert "Beschrijf wat er op de foto staat" in response.content.decode()
    assert not PublicationPhoto.objects.exists()
    response = client.post(url, {role: "sideways", alt: "x"})
    assert response.status_code == 400
    response = client.post(url, {role: "after", alt: "Het bankje in de zon"})
    assert response.status_code == 302
    chosen = PublicationPhoto.objects.get()
    assert (chosen.photo, chosen.role, chosen.alt_text) == (photo, "after", "Het bankje in de zon")


def test_stop_sharing_after_a_page_that_says_what_happens(client, realised):
    client.post(reverse("residents:story_share", args=[realised.pk]), TEXTS)
    url = reverse("residents:story_withdraw", args=[realised.pk])
    page = client.get(url).content.decode()
    assert "verdwijnt" in page and "open data" in page
    assert "iedereen mag downloaden en gebruiken" in page  # what open data is, in plain words
    assert Publication.objects.get(dream=realised).is_shared  # looking changes nothing
    assert client.post(url).status_code == 302
    assert not Publication.objects.get(dream=realised).is_shared
    assert client.get(reverse("stories:story", args=[realised.pk])).status_code == 404
    assert realised.events.filter(kind=EventKind.UNPUBLISHED, public=True).exists()


def test_someone_else_cannot_share_or_withdraw(client, realised, other_resident):
    client.post(reverse("residents:story_share", args=[realised.pk]), TEXTS)
    client.force_login(other_resident)
    assert (
        client.post(reverse("residents:story_share", args=[realised.pk]), TEXTS).status_code == 404
    )
    assert client.post(reverse("residents:story_withdraw", args=[realised.pk])).status_code == 404
    assert Publication.objects.get(dream=realised).is_shared


def test_my_data_shows_what_is_shared(client, realised):
    client.post(reverse("residents:story_share", args=[realised.pk]), TEXTS)
    page = client.get(reverse("residents:my_data_overview")).content.decode()
    assert "Gedeeld als verhaal" in page and "Wij verven het elk jaar." in page
    client.post(reverse("residents:story_withdraw", args=[realised.pk]))
    page = client.get(reverse("residents:my_data_overview")).content.decode()
    assert "Je stopte met delen op" in page and "Wij verven het elk jaar." not in page


def test_photos_sent_after_stopping_in_another_tab_say_why_on_the_page(client, realised):
    """The photo form is gone once the dream is not shared: the refusal must not be put on a
    form the page does not show (a 400 with nothing said), but said at the top."""
    photo = add_photo(realised)
    client.post(reverse("residents:story_share", args=[realised.pk]), TEXTS)
    client.post(reverse("residents:story_withdraw", args=[realised.pk]))  # the other tab
    response = client.post(
        reverse("residents:story_photos", args=[realised.pk]),
        {f"photo-{photo.pk}-role": "after", f"photo-{photo.pk}-alt": "Het bankje"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith(
        reverse("residents:dream_detail", args=[realised.pk]) + "#verhaal-heading"
    )
    assert "Deze droom wordt niet gedeeld. Geef eerst toestemming." in response.content.decode()
    assert not PublicationPhoto.objects.exists()
