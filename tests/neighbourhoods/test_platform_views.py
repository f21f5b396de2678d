"""The platform pages (issue 16): what each shows and hides, bad input kept with a Dutch
message beside the field, the invitation link, and the resident's share button."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Dream, EventKind, OutboxMail
from initiatives.platform_models import AgendaItem, PlatformInvitation, PlatformMember
from initiatives.selectors import platform_token_hash
from tests.factories import DreamFactory, UserFactory
from tests.neighbourhoods.conftest import (
    ADMIN,
    ANONYMOUS,
    CHAIR,
    ENABLER,
    INVITATION_TOKEN,
    MEMBER,
    RESIDENT,
    client_for,
)
from tests.neighbourhoods.helpers import add_member, shared_dream

pytestmark = pytest.mark.django_db

PERSONAL = (
    "Bea Bewoner",
    "bewoner@example.nl",
    "0687654321",
    "Geheimstraat",
    "Geheime Bewoner",
    "0612345678",
)


def _page(world, name, **kwargs):
    return reverse(f"neighbourhoods:{name}", kwargs={"slug": world["platform"].slug, **kwargs})


def _text(response) -> str:
    return response.content.decode()


class TestPublicPage:
    def test_the_agenda_with_its_dates_titles_only_where_allowed(self, world):
        platform = world["platform"]
        public = shared_dream(platform, title="Zebrapad bij de Kerk", show_publicly=True)
        world["item"].dreams.add(public)
        world["item"].set_on = timezone.localdate().replace(month=3, day=2)
        world["item"].save()
        response = client_for(world, ANONYMOUS).get(_page(world, "platform_detail"))
        text = _text(response)
        assert response.status_code == 200
        assert platform.introduction in text
        assert "Veilig naar school" in text
        assert "2 maart" in text  # the date the item was set
        assert "Zebrapad bij de Kerk" in text  # its resident allows it
        assert "Klaar-overs bij school" not in text  # counted, not named
        assert "1 droom waarvan de bewoner" in text or "1 droom" in text
        for personal in PERSONAL:
            assert personal not in text

    def test_the_list_of_platforms(self, world):
        text = _text(client_for(world, ANONYMOUS).get(reverse("neighbourhoods:platform_list")))
        assert "Wijkplatform Drunen" in text and "2 leden" in text


class TestMembersArea:
    def test_members_read_the_shared_dream_and_no_ones_personal_data(self, world):
        response = client_for(world, MEMBER).get(_page(world, "platform_members"))
        text = _text(response)
        assert response.status_code == 200
        dream = world["dream"]
        assert dream.title in text and dream.own_contribution in text
        assert "Veilig naar school" in text  # the agenda item it serves
        for personal in PERSONAL:
            assert personal not in text
        assert "Clara Voorzitter" in text and "Mirte Lid" in text
        assert "mirte@example.nl" not in text  # members' names only
        assert "Lars Vertrokken" not in text  # who left is no member

    def test_stopping_to_share_hides_the_dream_at_once(self, world):
        dream = world["dream"]
        owner = client_for(world, RESIDENT)
        owner.post(reverse("residents:dream_share", args=[dream.pk]), {"share": "0"})
        text = _text(client_for(world, MEMBER).get(_page(world, "platform_members")))
        assert dream.title not in text
        assert not world["item"].dreams.exists()

    def test_the_page_costs_the_same_queries_for_many_dreams(
        self, world, django_assert_max_num_queries
    ):
        client = client_for(world, MEMBER)
        url = _page(world, "platform_members")
        client.get(url)  # the session and the like, once
        with django_assert_max_num_queries(20) as few:
            client.get(url)
        for number in range(25):
            world["item"].dreams.add(shared_dream(world["platform"], title=f"Droom {number}"))
            add_member(world["platform"], full_name=f"Lid {number}")
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(url)
        assert "Droom 24" in _text(response) and "Lid 24" in _text(response)

    def test_a_member_leaves(self, world):
        client = client_for(world, MEMBER)
        response = client.post(_page(world, "platform_leave"), follow=True)
        assert "Je bent uit Wijkplatform Drunen gestapt" in _text(response)
        row = PlatformMember.objects.get(user=world["people"][MEMBER])
        assert row.left_at is not None
        assert client.get(_page(world, "platform_members")).status_code == 403


class TestAgendaPages:
    def test_a_missing_title_keeps_what_was_typed(self, world):
        client = client_for(world, CHAIR)
        response = client.post(
            _page(world, "agenda_edit"),
            {"title": "", "description": "Meer bankjes in het park", "set_on": "2026-03-02"},
        )
        text = _text(response)
        assert response.status_code == 400
        assert "Geef het agendapunt een korte titel." in text
        assert "Meer bankjes in het park" in text and 'value="2026-03-02"' in text
        assert 'aria-describedby="id_title_error' in text or "id_title_error" in text
        assert AgendaItem.objects.count() == 1

    def test_a_wrong_date_and_a_too_long_title_are_said_in_dutch(self, world):
        client = client_for(world, CHAIR)
        response = client.post(
            _page(world, "agenda_edit"),
            {"title": "x" * 151, "description": "Waarom", "set_on": "31-02-2026"},
        )
        text = _text(response)
        assert response.status_code == 400
        assert "Vul een datum in zoals 24-11-2026." in text
        assert "151" in text  # "you used 151"
        assert 'value="31-02-2026"' in text
        assert AgendaItem.objects.count() == 1

    def test_the_chair_adds_an_item_typed_the_dutch_way(self, world):
        client = client_for(world, CHAIR)
        response = client.post(
            _page(world, "agenda_edit"),
            {"title": "Groen", "description": "Meer bomen", "set_on": "02-03-2026"},
        )
        assert response.status_code == 302
        item = AgendaItem.objects.get(title="Groen")
        assert (item.set_on.day, item.set_on.month, item.position) == (2, 3, 1)

    def test_the_chair_edits_and_bad_input_keeps_the_text(self, world):
        client = client_for(world, CHAIR)
        url = _page(world, "agenda_item_edit", pk=world["item"].pk)
        response = client.post(url, {"title": "Nieuwe titel", "description": "", "set_on": ""})
        assert response.status_code == 400
        assert "Nieuwe titel" in _text(response)
        assert AgendaItem.objects.get().title == "Veilig naar school"

    def test_linking_a_dream_that_is_not_shared_is_refused(self, world):
        other = DreamFactory(neighbourhood=world["platform"].neighbourhood, title="Privé")
        client = client_for(world, CHAIR)
        response = client.post(
            _page(world, "agenda_item_dreams", pk=world["item"].pk),
            {"dream": other.pk, "action": "link"},
        )
        assert response.status_code == 400
        assert "Alleen dromen die bewoners met het platform delen" in _text(response)
        assert list(world["item"].dreams.all()) == [world["dream"]]

    def test_the_chair_links_a_shared_dream(self, world):
        platform = world["platform"]
        dream = shared_dream(platform, title="Stoepkrijt-dag", show_publicly=True)
        client = client_for(world, CHAIR)
        item_url = _page(world, "agenda_item_edit", pk=world["item"].pk)
        assert "Stoepkrijt-dag" in _text(client.get(item_url))  # offered to link
        response = client.post(
            _page(world, "agenda_item_dreams", pk=world["item"].pk),
            {"dream": dream.pk, "action": "link"},
        )
        assert response.status_code == 302
        assert world["item"].dreams.filter(pk=dream.pk).exists()
        assert dream.events.filter(kind=EventKind.AGENDA, public=True).exists()
        public = _text(client_for(world, ANONYMOUS).get(_page(world, "platform_detail")))
        assert "Stoepkrijt-dag" in public


class TestInvitations:
    def test_a_wrong_address_keeps_what_was_typed(self, world):
        client = client_for(world, CHAIR)
        response = client.post(_page(world, "platform_invite"), {"email": "jan@voorbeeld"})
        assert response.status_code == 400
        text = _text(response)
        assert "Vul een geldig e-mailadres in" in text and 'value="jan@voorbeeld"' in text
        assert PlatformInvitation.objects.count() == 1

    def test_the_chair_invites(self, world):
        client = client_for(world, CHAIR)
        response = client.post(_page(world, "platform_invite"), {"email": "nieuw@example.nl"})
        assert response.status_code == 302
        assert OutboxMail.objects.filter(to_email="nieuw@example.nl").count() == 1
        assert "nieuw@example.nl" in _text(client.get(_page(world, "platform_invite")))

    def test_get_shows_the_invitation_and_changes_nothing(self, world):
        url = reverse("neighbourhoods:platform_invitation", args=[INVITATION_TOKEN])
        for client in (client_for(world, ANONYMOUS), client_for(world, RESIDENT)):
            response = client.get(url)
            assert response.status_code == 200
            assert "Wijkplatform Drunen" in _text(response)
        invitation = PlatformInvitation.objects.get()
        assert invitation.accepted_at is None and invitation.withdrawn_at is None
        assert PlatformMember.objects.count() == 3
        assert "inloggen" in _text(client_for(world, ANONYMOUS).get(url))

    def test_the_invitee_signs_in_and_joins_by_post(self, world, client):
        invitee = UserFactory(email="uitgenodigd@example.nl", full_name="Uma Uitgenodigd")
        PlatformInvitation.objects.update(email=invitee.email)
        url = reverse("neighbourhoods:platform_invitation", args=[INVITATION_TOKEN])
        client.force_login(invitee)
        page = _text(client.get(url))
        assert "Word lid van Wijkplatform Drunen" in page
        assert not PlatformMember.objects.filter(user=invitee).exists()
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == _page(world, "platform_members")
        assert PlatformMember.objects.filter(user=invitee, left_at__isnull=True).exists()
        used = client.get(url)
        assert used.status_code == 410 and "al gebruikt" in _text(used)

    def test_another_address_is_told_what_to_do(self, world):
        url = reverse("neighbourhoods:platform_invitation", args=[INVITATION_TOKEN])
        response = client_for(world, RESIDENT).post(url)
        assert response.status_code == 400
        assert "ander e-mailadres" in _text(response)
        assert not PlatformMember.objects.filter(user=world["people"][RESIDENT]).exists()

    def test_expired_withdrawn_and_unknown_links_say_so_in_dutch(self, world):
        url = reverse("neighbourhoods:platform_invitation", args=[INVITATION_TOKEN])
        client = client_for(world, ANONYMOUS)
        PlatformInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        expired = client.get(url)
        assert expired.status_code == 410 and "verlopen" in _text(expired)
        PlatformInvitation.objects.update(withdrawn_at=timezone.now())
        withdrawn = client.get(url)
        assert withdrawn.status_code == 410 and "ingetrokken" in _text(withdrawn)
        unknown = client.get(reverse("neighbourhoods:platform_invitation", args=["onzin"]))
        assert unknown.status_code == 404 and "werkt niet" in _text(unknown)
        assert platform_token_hash(INVITATION_TOKEN) not in _text(expired)


class TestShareOnTheDreamPage:
    def test_the_form_explains_and_shares(self, world):
        dream = world["dream"]
        Dream.objects.filter(pk=dream.pk).update(shared_with_platform=False)
        client = client_for(world, RESIDENT)
        page = _text(client.get(reverse("residents:dream_detail", args=[dream.pk])))
        assert "Deel deze droom met het wijkplatform" in page
        assert "je naam, e-mailadres of telefoonnummer" in page
        response = client.post(
            reverse("residents:dream_share", args=[dream.pk]), {"share": "1"}, follow=True
        )
        assert "gedeeld met het wijkplatform" in _text(response)
        assert Dream.objects.get(pk=dream.pk).shared_with_platform

    def test_no_form_without_a_platform(self, resident, dream):
        from django.test import Client

        client = Client()
        client.force_login(resident)
        page = _text(client.get(reverse("residents:dream_detail", args=[dream.pk])))
        assert "wijkplatform" not in page.lower()


class TestStaffPage:
    def test_staff_invite_a_chair_and_bad_input_is_kept(self, world):
        client = client_for(world, ENABLER)
        url = reverse("staff:platforms")
        page = client.get(url)
        assert page.status_code == 200 and "Wijkplatform Drunen" in _text(page)
        bad = client.post(url, {"platform": world["platform"].pk, "email": "x@", "role": "chair"})
        assert bad.status_code == 400
        assert 'value="x@"' in _text(bad) and "Vul een geldig e-mailadres in" in _text(bad)
        good = client.post(
            url,
            {"platform": world["platform"].pk, "email": "voorzitter@example.nl", "role": "chair"},
        )
        assert good.status_code == 302
        assert PlatformInvitation.objects.get(email="voorzitter@example.nl").role == "chair"

    def test_the_administrator_too(self, world):
        assert client_for(world, ADMIN).get(reverse("staff:platforms")).status_code == 200
