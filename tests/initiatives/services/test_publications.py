"""A resident's consent to share their dream (issue 19): given, changed, photos chosen (by the
resident, or by staff only when allowed), withdrawn; the timeline, the story's date, the
open-data version, erasure and retention."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from initiatives import open_data_version, services
from initiatives.exceptions import NotAllowed
from initiatives.models import Dream, EventKind, OutboxMail
from initiatives.publication_models import Publication, PublicationPhoto
from initiatives.statuses import Status
from tests.factories import DreamFactory, ReviewFactory
from tests.story_helpers import add_photo

TEXTS = {
    "title": "Een bankje bij de vijver",
    "dreamt": "Een plek om even uit te rusten.",
    "own_part": "Wij verven het bankje elk voorjaar.",
    "helped_by": "De buren.",
}

pytestmark = pytest.mark.django_db


def consent(dream, by, **extra):
    return services.publication_consent(dream=dream, by=by, **{**TEXTS, **extra})


def test_consent_shares_the_texts_and_records_a_public_event(dream, resident):
    publication = consent(dream, resident)
    publication.refresh_from_db()
    assert publication.is_shared and publication.title == "Een bankje bij de vijver"
    assert publication.story_published_at is None  # not realised yet: no story
    event = dream.events.get(kind=EventKind.PUBLISHED)
    assert event.public and event.actor == resident and "open data" in event.body


def test_consent_on_a_realised_dream_publishes_the_story(dream, resident):
    Dream.objects.filter(pk=dream.pk).update(status=Status.REALISED, closed_at=timezone.now())
    publication = consent(dream, resident)
    assert publication.story_published_at is not None


@pytest.mark.parametrize("field", ["title", "dreamt", "own_part"])
def test_missing_texts_are_refused_per_field_and_nothing_is_stored(dream, resident, field):
    with pytest.raises(ValidationError) as refused:
        consent(dream, resident, **{field: "  "})
    assert field in refused.value.message_dict
    assert not Publication.objects.exists()
    assert not dream.events.filter(kind=EventKind.PUBLISHED).exists()


def test_a_too_long_text_is_refused(dream, resident):
    with pytest.raises(ValidationError) as refused:
        consent(dream, resident, dreamt="x" * 2001)
    assert "2000" in refused.value.message_dict["dreamt"][0]


def test_only_the_resident_gives_consent(dream, other_resident, mogelijkmaker):
    for someone in (other_resident, mogelijkmaker):
        with pytest.raises(NotAllowed):
            consent(dream, someone)
    assert not Publication.objects.exists()


def test_no_consent_for_an_unconfirmed_or_anonymised_dream(dream, resident):
    Dream.objects.filter(pk=dream.pk).update(status=Status.UNCONFIRMED, submitted_at=None)
    with pytest.raises(NotAllowed):
        consent(dream, resident)
    Dream.objects.filter(pk=dream.pk).update(
        status=Status.REALISED, submitted_at=timezone.now(), anonymised_at=timezone.now()
    )
    with pytest.raises(NotAllowed):
        consent(dream, resident)


def test_may_share_is_the_rule_consent_enforces(dream, resident):
    """One rule for the pages and the service: handed in, and the resident's data still there;
    a dream with a status past the hand-in but no hand-in date is not shareable either."""
    assert services.may_share(dream)
    cases = [
        {"status": Status.UNCONFIRMED, "submitted_at": None},
        {"status": Status.SUBMITTED, "submitted_at": None},
        {"status": Status.REALISED, "anonymised_at": timezone.now()},
    ]
    for fields in cases:
        Dream.objects.filter(pk=dream.pk).update(
            **{"status": Status.SUBMITTED, "submitted_at": timezone.now(), "anonymised_at": None},
        )
        Dream.objects.filter(pk=dream.pk).update(**fields)
        dream.refresh_from_db()
        assert not services.may_share(dream), fields
        with pytest.raises(NotAllowed):
            consent(dream, resident)


def test_share_consents_then_changes_as_the_row_says(dream, resident):
    first = services.publication_share(dream=dream, by=resident, **TEXTS)
    assert first.consented and first.publication.is_shared
    # A second form, sent from a page that still offered consent, changes the texts.
    again = services.publication_share(dream=dream, by=resident, **{**TEXTS, "title": "Nieuw"})
    assert not again.consented and again.publication.pk == first.publication.pk
    assert Publication.objects.get(dream=dream).title == "Nieuw"
    assert dream.events.filter(kind=EventKind.PUBLISHED).count() == 1


def test_the_story_is_published_when_the_dream_becomes_realised(resident, mogelijkmaker):
    dream = DreamFactory(
        resident=resident,
        status=Status.IN_PROGRESS,
        contact=mogelijkmaker,
        picked_up_at=timezone.now(),
    )
    ReviewFactory(dream=dream, by=mogelijkmaker)
    consent(dream, resident)
    services.dream_move(dream=dream, by=mogelijkmaker, target=Status.REALISED)
    publication = Publication.objects.get(dream=dream)
    assert publication.story_published_at == Dream.objects.get(pk=dream.pk).closed_at


def test_changing_the_texts_keeps_the_story_date(dream, resident):
    Dream.objects.filter(pk=dream.pk).update(status=Status.REALISED, closed_at=timezone.now())
    published = consent(dream, resident).story_published_at
    services.publication_change(dream=dream, by=resident, **{**TEXTS, "title": "Nieuwe titel"})
    publication = Publication.objects.get(dream=dream)
    assert publication.title == "Nieuwe titel"
    assert publication.story_published_at == published


def test_withdrawing_empties_everything_and_records_it(dream, resident):
    Dream.objects.filter(pk=dream.pk).update(status=Status.REALISED, closed_at=timezone.now())
    consent(dream, resident, staff_may_choose_photos=True)
    photo = add_photo(dream)
    services.publication_photos_set(
        dream=dream, by=resident, choices=[services.PhotoChoice(photo.pk, "after", "Het bankje")]
    )
    services.publication_withdraw(dream=dream, by=resident)
    publication = Publication.objects.get(dream=dream)
    assert not publication.is_shared
    assert (publication.title, publication.dreamt, publication.own_part, publication.helped_by) == (
        "",
        "",
        "",
        "",
    )
    assert publication.story_published_at is None
    assert not publication.staff_may_choose_photos
    assert not PublicationPhoto.objects.exists()
    event = dream.events.get(kind=EventKind.UNPUBLISHED)
    assert event.public and event.actor == resident
    with pytest.raises(NotAllowed):  # nothing left to withdraw
        services.publication_withdraw(dream=dream, by=resident)


def test_consent_given_again_after_withdrawing_starts_afresh(dream, resident):
    consent(dream, resident)
    services.publication_withdraw(dream=dream, by=resident)
    consent(dream, resident, title="Weer gedeeld")
    publication = Publication.objects.get(dream=dream)
    assert publication.is_shared and publication.title == "Weer gedeeld"
    assert dream.events.filter(kind=EventKind.PUBLISHED).count() == 2


def test_every_change_raises_the_open_data_version(
    dream, resident, django_capture_on_commit_callbacks
):
    tokens = [open_data_version.current().token]
    for step in (
        lambda: consent(dream, resident),
        lambda: services.publication_change(dream=dream, by=resident, **TEXTS),
        lambda: services.publication_withdraw(dream=dream, by=resident),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            step()
        tokens.append(open_data_version.current().token)
    assert len(set(tokens)) == 4


def test_photos_are_the_dreams_own_with_a_description(dream, resident):
    consent(dream, resident)
    own = add_photo(dream)
    elsewhere = add_photo(DreamFactory())
    with pytest.raises(ValidationError) as refused:
        services.publication_photos_set(
            dream=dream,
            by=resident,
            choices=[
                services.PhotoChoice(own.pk, "after", "   "),
                services.PhotoChoice(elsewhere.pk, "before", "Iets"),
            ],
        )
    errors = refused.value.message_dict
    assert services.photo_field(own.pk, "alt") in errors
    assert services.photo_field(elsewhere.pk, "role") in errors
    assert not PublicationPhoto.objects.exists()
    services.publication_photos_set(
        dream=dream, by=resident, choices=[services.PhotoChoice(own.pk, "before", "Het grasveld")]
    )
    chosen = PublicationPhoto.objects.get()
    assert (chosen.photo, chosen.role, chosen.alt_text, chosen.chosen_by) == (
        own,
        "before",
        "Het grasveld",
        resident,
    )
    services.publication_photos_set(dream=dream, by=resident, choices=[])
    assert not PublicationPhoto.objects.exists()


def test_staff_choose_photos_only_with_the_residents_consent(
    dream, resident, mogelijkmaker, other_mogelijkmaker, communications_advisor
):
    Dream.objects.filter(pk=dream.pk).update(contact=mogelijkmaker, status=Status.PICKED_UP)
    consent(dream, resident, staff_may_choose_photos=False)
    photo = add_photo(dream)
    choice = [services.PhotoChoice(photo.pk, "after", "Het bankje")]
    with pytest.raises(NotAllowed):
        services.publication_photos_set(dream=dream, by=mogelijkmaker, choices=choice)
    services.publication_change(dream=dream, by=resident, **TEXTS, staff_may_choose_photos=True)
    with pytest.raises(NotAllowed):  # a MogelijkMaker who is not its contact person
        services.publication_photos_set(dream=dream, by=other_mogelijkmaker, choices=choice)
    services.publication_photos_set(dream=dream, by=mogelijkmaker, choices=choice)
    assert PublicationPhoto.objects.get().chosen_by == mogelijkmaker
    services.publication_photos_set(
        dream=dream,
        by=communications_advisor,
        choices=[services.PhotoChoice(photo.pk, "after", "Het bankje in de zon")],
    )
    assert PublicationPhoto.objects.get().chosen_by == communications_advisor


def test_erasing_the_account_removes_the_publication(dream, resident):
    Dream.objects.filter(pk=dream.pk).update(status=Status.REALISED, closed_at=timezone.now())
    consent(dream, resident)
    services.publication_photos_set(
        dream=dream,
        by=resident,
        choices=[services.PhotoChoice(add_photo(dream).pk, "after", "Bankje")],
    )
    services.resident_erase(resident=resident)
    assert not Publication.objects.exists()
    assert not PublicationPhoto.objects.exists()


def test_retention_removes_the_publication(dream, resident, settings):
    long_ago = timezone.now() - timedelta(days=31 * (settings.RETENTION_MONTHS + 1))
    Dream.objects.filter(pk=dream.pk).update(status=Status.REALISED, closed_at=long_ago)
    consent(dream, resident)
    services.retention_apply()
    assert not Publication.objects.exists()


def test_my_data_includes_the_publication(dream, resident):
    from initiatives import selectors

    consent(dream, resident)
    data = selectors.resident_data_export(resident=resident)
    (mine,) = data["dreams"]
    assert mine["publication"]["title"] == "Een bankje bij de vijver"
    assert mine["publication"]["shared"] is True


def test_staff_take_a_story_down_with_a_reason(
    dream, resident, manager, django_capture_on_commit_callbacks
):
    Dream.objects.filter(pk=dream.pk).update(status=Status.REALISED, closed_at=timezone.now())
    consent(dream, resident, dreamt="Met buurman Piet Jansen van nummer 12.")
    photo = add_photo(dream)
    services.publication_photos_set(
        dream=dream, by=resident, choices=[services.PhotoChoice(photo.pk, "after", "Het bankje")]
    )
    before = open_data_version.current().token

    with django_capture_on_commit_callbacks(execute=True):
        services.publication_take_down(
            dream=dream, by=manager, reason="  De naam van   een buurman staat erin. "
        )

    publication = Publication.objects.get(dream=dream)
    assert not publication.is_shared and publication.story_published_at is None
    assert (publication.title, publication.dreamt) == ("", "")
    assert not PublicationPhoto.objects.exists()
    event = dream.events.get(kind=EventKind.UNPUBLISHED)
    assert event.public and event.actor == manager
    assert "De gemeente heeft het verhaal" in event.body
    assert event.body.endswith("Waarom: De naam van een buurman staat erin.")
    assert open_data_version.current().token != before
    # The resident hears it from the municipality, with the reason, not only on the timeline.
    mail = OutboxMail.objects.get(
        to_email=resident.email, dream=dream, body_text__contains="buurman"
    )
    assert "Waarom: De naam van een buurman staat erin." in mail.body_text
    with pytest.raises(NotAllowed):  # nothing left to take down
        services.publication_take_down(dream=dream, by=manager, reason="Nog eens.")


def test_a_communications_advisor_may_take_a_story_down(dream, resident, communications_advisor):
    consent(dream, resident)
    services.publication_take_down(dream=dream, by=communications_advisor, reason="Een naam.")
    assert not Publication.objects.get(dream=dream).is_shared


def test_others_may_not_take_a_story_down_and_a_reason_is_needed(
    dream, resident, mogelijkmaker, manager
):
    consent(dream, resident)
    for who in (mogelijkmaker, resident):
        with pytest.raises(NotAllowed):
            services.publication_take_down(dream=dream, by=who, reason="Een naam.")
    for reason in ("   ", "x" * 501):
        with pytest.raises(ValidationError) as refused:
            services.publication_take_down(dream=dream, by=manager, reason=reason)
        assert "reason" in refused.value.message_dict
    assert Publication.objects.get(dream=dream).is_shared
    assert not dream.events.filter(kind=EventKind.UNPUBLISHED).exists()
