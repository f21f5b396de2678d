"""The workspace's story panel (issue 19): whether the resident shares the dream, and the
story's photos chosen by staff only with the resident's consent."""

import pytest
from django.urls import reverse

from initiatives import services
from initiatives.publication_models import PublicationPhoto
from tests.staff.conftest import add_photo
from tests.staff.test_views import _workspace

pytestmark = pytest.mark.django_db

TEXTS = {"title": "Bankje", "dreamt": "Een bankje.", "own_part": "Wij verven het."}


def test_a_dream_not_shared_says_so(client, enabler, picked_up):
    client.force_login(enabler)
    page = client.get(_workspace(picked_up)).content.decode()
    assert "deelt deze droom niet openbaar" in page


def test_without_the_residents_consent_there_is_no_photo_form(client, enabler, picked_up):
    add_photo(picked_up)
    services.publication_consent(dream=picked_up, by=picked_up.resident, **TEXTS)
    client.force_login(enabler)
    page = client.get(_workspace(picked_up)).content.decode()
    assert "deelt deze droom openbaar sinds" in page
    assert reverse("staff:dream_story_photos", args=[picked_up.pk]) not in page
    photo = picked_up.photos.get()
    response = client.post(
        reverse("staff:dream_story_photos", args=[picked_up.pk]),
        {f"photo-{photo.pk}-role": "after", f"photo-{photo.pk}-alt": "Het bankje"},
    )
    assert response.status_code == 400
    assert "niet gevraagd" in response.content.decode()
    assert not PublicationPhoto.objects.exists()


def test_with_consent_the_contact_chooses_photos(client, enabler, picked_up):
    photo = add_photo(picked_up)
    services.publication_consent(
        dream=picked_up, by=picked_up.resident, staff_may_choose_photos=True, **TEXTS
    )
    client.force_login(enabler)
    url = reverse("staff:dream_story_photos", args=[picked_up.pk])
    assert url in client.get(_workspace(picked_up)).content.decode()
    role, alt = f"photo-{photo.pk}-role", f"photo-{photo.pk}-alt"
    refused = client.post(url, {role: "after", alt: ""})
    assert refused.status_code == 400
    assert "Beschrijf wat er op de foto staat" in refused.content.decode()
    assert client.post(url, {role: "after", alt: "Het bankje in de zon"}).status_code == 302
    chosen = PublicationPhoto.objects.get()
    assert (chosen.role, chosen.alt_text, chosen.chosen_by) == (
        "after",
        "Het bankje in de zon",
        enabler,
    )


def test_a_colleague_who_is_not_the_contact_may_not(client, second_enabler, picked_up):
    photo = add_photo(picked_up)
    services.publication_consent(
        dream=picked_up, by=picked_up.resident, staff_may_choose_photos=True, **TEXTS
    )
    client.force_login(second_enabler)
    url = reverse("staff:dream_story_photos", args=[picked_up.pk])
    assert url not in client.get(_workspace(picked_up)).content.decode()
    response = client.post(
        url, {f"photo-{photo.pk}-role": "after", f"photo-{photo.pk}-alt": "Iets"}
    )
    assert response.status_code == 400
    assert not PublicationPhoto.objects.exists()


def test_staff_take_a_story_down_with_a_reason(client, comms, enabler, picked_up):
    services.publication_consent(dream=picked_up, by=picked_up.resident, **TEXTS)
    url = reverse("staff:dream_story_take_down", args=[picked_up.pk])
    client.force_login(enabler)  # the MogelijkMaker has no such button nor right
    assert url not in client.get(_workspace(picked_up)).content.decode()
    assert client.post(url, {"take-down-reason": "Een naam."}).status_code == 403

    client.force_login(comms)
    assert url in client.get(_workspace(picked_up)).content.decode()
    refused = client.post(url, {"take-down-reason": "  "})
    assert refused.status_code == 400
    assert "Schrijf waarom het verhaal offline gaat." in refused.content.decode()
    assert picked_up.publication.is_shared
    done = client.post(url, {"take-down-reason": "De naam van een buurman staat erin."})
    assert done.status_code == 302
    picked_up.publication.refresh_from_db()
    assert not picked_up.publication.is_shared
    event = picked_up.events.get(kind="unpublished")
    assert event.actor == comms and "De naam van een buurman staat erin." in event.body
    page = client.get(_workspace(picked_up)).content.decode()
    assert "Het verhaal is offline gehaald." in page
    assert url not in page  # nothing left to take down
