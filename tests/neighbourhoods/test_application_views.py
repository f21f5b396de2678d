"""Applying to a fund from the resident's side (neighbourhoods/application_views.py): the
form, each bad input (a Dutch message beside the field, everything typed kept, nothing
stored), the page after sending, the dream page and the staff workspace that show it."""

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from initiatives.amounts import parse_amount as amount_parse
from initiatives.models import Application, BudgetLine, CriterionAnswer, Dream, OutboxMail
from initiatives.statuses import Status
from tests.factories import DreamFactory, FundFactory, NeighbourhoodFactory, StaffFactory

pytestmark = pytest.mark.django_db

CRITERIA = "Wie doen er mee?\nWat heeft de wijk eraan?"


@pytest.fixture
def fund(neighbourhood):
    return FundFactory(
        name="Wijkfonds Drunen",
        neighbourhood=neighbourhood,
        open_for_applications=True,
        max_per_application=Decimal("2500.00"),
        criteria=CRITERIA,
        description="Voor wat de buurt samen doet.",
    )


def _url(fund) -> str:
    return reverse("neighbourhoods:application_create", kwargs={"fund": fund.pk})


def _post(dream, /, **overrides) -> dict:
    data = {
        "line_rows": "5",
        "dream": str(dream.pk),
        "applicant": "organisation",
        "organisation_kind": "association",
        "organisation_name": "Buurtvereniging De Vijver",
        "kvk_number": "12345678",
        "contact_person": "Karin de Wit",
        "signatory": "Henk Jansen",
        "signatory_role": "voorzitter",
        "line_1_description": "Verf voor de bankjes",
        "line_1_amount": "150",
        "line_2_description": "Plantenbakken",
        "line_2_amount": "1.084,50",
        "own_money": "50,00",
        "own_hours": "40",
        "other_sources": "De woningcorporatie betaalt € 200.",
        "answer_0": "Twintig buren.",
        "answer_1": "Een plek om elkaar te zien.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _nothing_stored() -> None:
    assert not Application.objects.exists()
    assert not BudgetLine.objects.exists()
    assert not CriterionAnswer.objects.exists()
    assert not OutboxMail.objects.exists()


def _error_beside(content: str, field_id: str) -> str:
    """The message in the error block of FIELD_ID, which its input points to."""
    match = re.search(
        rf'<div class="utrecht-form-field-error-message" id="{field_id}_error">(.*?)</div>',
        content,
        re.S,
    )
    assert match, f"no message beside {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1))


def _points_to_its_error(content: str, field_id: str) -> None:
    tag = re.search(rf'<(input|textarea|select)[^>]*id="{field_id}"[^>]*>', content)
    assert tag, field_id
    assert 'aria-invalid="true"' in tag.group(0)
    assert f"{field_id}_error" in tag.group(0)


class TestTheForm:
    def test_anonymous_is_sent_to_sign_in(self, client, fund):
        response = client.get(_url(fund))
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.path == "/inloggen/"
        assert parse_qs(location.query)["next"] == [_url(fund)]
        assert client.post(_url(fund), _post(DreamFactory())).status_code == 302
        _nothing_stored()

    def test_shows_the_fund_its_criteria_and_only_the_residents_open_dreams(
        self, client, resident, other_resident, fund, dream, neighbourhood
    ):
        DreamFactory(resident=other_resident, neighbourhood=neighbourhood, title="Andermans")
        DreamFactory(resident=resident, neighbourhood=neighbourhood, title="Al klaar",
                     status=Status.REALISED)  # fmt: skip
        client.force_login(resident)
        response = client.get(_url(fund))
        assert response.status_code == 200
        content = response.content.decode()
        assert "Wijkfonds Drunen" in content
        assert "Voor wat de buurt samen doet." in content
        assert "Wie doen er mee?" in content and "Wat heeft de wijk eraan?" in content
        assert dream.title in content
        assert "Andermans" not in content and "Al klaar" not in content
        assert len(re.findall(r'name="line_\d+_', content)) == 2 * 5  # five lines, no JavaScript
        assert "2.500,00" in content  # the maximum, the Dutch way

    def test_a_closed_fund_says_so_and_shows_no_form(self, client, resident, fund):
        fund.year = timezone.localdate().year - 1
        fund.save()
        client.force_login(resident)
        response = client.get(_url(fund))
        assert response.status_code == 200
        content = response.content.decode()
        assert f"begrotingsjaar {fund.year}" in content.lower() or str(fund.year) in content
        assert 'name="line_1_amount"' not in content

    def test_an_unknown_fund_is_404(self, client, resident):
        client.force_login(resident)
        assert client.get("/fondsen/999999/aanvragen/").status_code == 404

    def test_staff_do_not_apply(self, client, fund, dream):
        client.force_login(StaffFactory())
        assert client.get(_url(fund)).status_code == 403
        assert client.post(_url(fund), _post(dream)).status_code == 403
        _nothing_stored()

    def test_more_lines_without_javascript_keep_what_was_typed(self, client, resident, fund, dream):
        client.force_login(resident)
        response = client.post(_url(fund), _post(dream, add_lines="1", own_money="-5"))
        assert response.status_code == 200
        content = response.content.decode()
        assert len(re.findall(r'name="line_\d+_', content)) == 2 * 8
        assert 'name="line_rows" value="8"' in content
        assert 'value="Plantenbakken"' in content and 'value="1.084,50"' in content
        assert "utrecht-form-field-error-message" not in content  # nothing judged yet
        _nothing_stored()


class TestSending:
    @pytest.mark.parametrize("typed", ["1.234,50", "1234,50", "1234.50", "€ 1.234,50"])
    def test_amounts_the_dutch_or_the_english_way(self, client, resident, fund, dream, typed):
        client.force_login(resident)
        data = _post(dream, line_2_amount=None, line_2_description=None, line_1_amount=typed)
        response = client.post(_url(fund), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        assert Application.objects.get().requested == Decimal("1234.50")

    def test_as_an_association_with_two_lines(self, client, resident, fund, dream):
        client.force_login(resident)
        response = client.post(_url(fund), _post(dream))
        application = Application.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "neighbourhoods:application_sent", args=[application.pk]
        )
        assert application.dream == dream
        assert application.organisation_name == "Buurtvereniging De Vijver"
        assert application.requested == Decimal("1234.50")
        assert application.own_money == Decimal("50.00")
        assert [a.answer for a in application.answers.all()] == [
            "Twintig buren.",
            "Een plek om elkaar te zien.",
        ]

        sent = client.get(response["Location"])
        assert sent.status_code == 200
        content = sent.content.decode()
        assert "1.234,50" in content
        assert reverse("residents:dream_detail", args=[dream.pk]) in content

        page = client.get(reverse("residents:dream_detail", args=[dream.pk])).content.decode()
        for shown in (
            "Wijkfonds Drunen",
            "Buurtvereniging De Vijver",
            "Verf voor de bankjes",
            "150,00",
            "1.084,50",
            "1.234,50",
            "50,00",
            "De woningcorporatie betaalt € 200.",
            "Een plek om elkaar te zien.",
            str(Application.State.SUBMITTED.label),
        ):
            assert shown in page, shown

    def test_with_a_new_dream(self, client, resident, fund, neighbourhood, theme):
        client.force_login(resident)
        data = _post(
            DreamFactory.build(pk=0),
            dream="new",
            applicant="resident",
            **{
                "dream-title": "Plantenbakken in de Kerkstraat",
                "dream-story": "Meer groen.",
                "dream-own_contribution": "Wij geven water.",
                "dream-needs_from_municipality": "Geld.",
                "dream-neighbourhood": str(neighbourhood.pk),
                "dream-theme": str(theme.pk),
            },
        )
        response = client.post(_url(fund), data)
        assert response.status_code == 302
        dream = Dream.objects.get(title="Plantenbakken in de Kerkstraat")
        assert dream.resident == resident and dream.status == Status.SUBMITTED
        assert Application.objects.get().dream == dream

    def test_a_new_dream_without_its_fields(self, client, resident, fund, dream):
        client.force_login(resident)
        response = client.post(_url(fund), _post(dream, dream="new"))
        assert response.status_code == 400
        content = response.content.decode()
        _points_to_its_error(content, "id_dream-title")
        assert _error_beside(content, "id_dream-title")
        assert Dream.objects.count() == 1
        _nothing_stored()

    def test_an_open_dream_chosen_leaves_the_new_dream_unjudged(
        self, client, resident, fund, dream
    ):
        client.force_login(resident)
        response = client.post(_url(fund), _post(dream, answer_1=""))
        content = response.content.decode()
        assert "id_dream-title_error" not in content
        assert "id_answer_1_error" in content


# Each bad input: (what is posted differently, the field whose message it is, words in it).
BAD_INPUT = {
    "amount with two commas": ({"line_1_amount": "1,2,3"}, "id_line_1_amount", "bedrag"),
    "amount in words": ({"line_1_amount": "honderd"}, "id_line_1_amount", "bedrag"),
    "three decimals": ({"line_1_amount": "12,345"}, "id_line_1_amount", "2 cijfers"),
    "negative amount": ({"line_1_amount": "-150"}, "id_line_1_amount", "meer dan € 0"),
    "zero amount": ({"line_1_amount": "0"}, "id_line_1_amount", "meer dan € 0"),
    "zero with a comma": ({"line_1_amount": "0,00"}, "id_line_1_amount", "meer dan € 0"),
    "huge amount": ({"line_1_amount": "9" * 40}, "id_line_1_amount", "bedrag"),
    "negative own money": ({"own_money": "-5"}, "id_own_money", "0 of meer"),
    "negative hours": ({"own_hours": "-1"}, "id_own_hours", "0 of meer"),
    "hours in words": ({"own_hours": "veel"}, "id_own_hours", "uren"),
    "line without amount": ({"line_1_amount": ""}, "id_line_1_amount", "bedrag"),
    "amount without line": ({"line_1_description": ""}, "id_line_1_description", "waarvoor"),
    "KvK too short": ({"kvk_number": "1234567"}, "id_kvk_number", "8 cijfers"),
    "KvK too long": ({"kvk_number": "123456789"}, "id_kvk_number", "8 cijfers"),
    "KvK with letters": ({"kvk_number": "1234567a"}, "id_kvk_number", "8 cijfers"),
    "no KvK": ({"kvk_number": ""}, "id_kvk_number", "kvk"),
    "no organisation name": ({"organisation_name": ""}, "id_organisation_name", "naam"),
    "no contact person": ({"contact_person": ""}, "id_contact_person", "contact"),
    "no signatory": ({"signatory": ""}, "id_signatory", "ondertekent"),
    "no signatory role": ({"signatory_role": ""}, "id_signatory_role", "rol"),
    "unanswered criterion": ({"answer_1": "  "}, "id_answer_1", "beantwoord"),
}


@pytest.mark.parametrize("bad", list(BAD_INPUT.values()), ids=list(BAD_INPUT))
def test_each_bad_input_is_named_beside_its_field(client, resident, fund, dream, bad):
    change, field_id, words = bad
    client.force_login(resident)
    data = _post(dream, **change)
    response = client.post(_url(fund), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert words.lower() in _error_beside(content, field_id).lower()
    _points_to_its_error(content, field_id)
    assert 'id="form-errors"' in content and f'href="#{field_id}"' in content
    # Everything typed is still there.
    for name in ("organisation_name", "line_2_description", "line_2_amount", "other_sources"):
        if data.get(name):
            assert data[name].replace("€", "&#x20AC;") in content or data[name] in content
    assert "Een plek om elkaar te zien." in content or "answer_1" in change
    _nothing_stored()


def test_no_kind_of_organisation(client, resident, fund, dream):
    client.force_login(resident)
    response = client.post(_url(fund), _post(dream, organisation_kind=""))
    assert response.status_code == 400
    content = response.content.decode()
    assert "soort organisatie" in _error_beside(content, "id_organisation_kind").lower()
    _nothing_stored()


def test_above_the_maximum_is_named_beside_the_budget_plan(client, resident, fund, dream):
    client.force_login(resident)
    response = client.post(_url(fund), _post(dream, line_1_amount="1.500,00"))
    assert response.status_code == 400
    content = response.content.decode()
    message = _error_beside(content, "budget")
    assert "2.584,50" in message and "2.500,00" in message
    assert 'aria-describedby="budget_error"' in content
    assert 'value="1.500,00"' in content
    _nothing_stored()


def test_a_year_closed_while_typing(client, resident, fund, dream):
    client.force_login(resident)
    assert client.get(_url(fund)).status_code == 200
    fund.year = timezone.localdate().year - 1
    fund.save()
    response = client.post(_url(fund), _post(dream))
    assert response.status_code == 400
    content = response.content.decode()
    assert re.search(r'id="form-errors"[^>]*>.*gesloten', content, re.S)
    assert 'value="Buurtvereniging De Vijver"' in content  # what was typed, kept
    _nothing_stored()


def test_another_residents_dream_is_refused(client, resident, other_resident, fund, neighbourhood):
    theirs = DreamFactory(resident=other_resident, neighbourhood=neighbourhood)
    client.force_login(resident)
    response = client.post(_url(fund), _post(theirs))
    assert response.status_code == 400
    assert "eigen" in _error_beside(response.content.decode(), "id_dream").lower()
    _nothing_stored()


def test_a_closed_dream_is_refused(client, resident, fund, dream):
    Dream.objects.filter(pk=dream.pk).update(status=Status.WITHDRAWN)
    client.force_login(resident)
    response = client.post(_url(fund), _post(dream))
    assert response.status_code == 400
    assert _error_beside(response.content.decode(), "id_dream")
    _nothing_stored()


@pytest.mark.parametrize(
    "hostile",
    [
        {"line_rows": "99999999999999999999"},
        {"line_rows": "-3"},
        {"line_rows": "abc"},
        {"line_1_amount": "1e400"},
        {"line_1_amount": "NaN"},
        {"line_1_amount": "Infinity"},
        {"line_1_amount": "١٢٣"},
        {"line_1_amount": "\uff11\uff12\uff13"},  # full-width digits
        {"line_1_amount": "\x00"},
        {"line_1_description": "a\x00b"},
        {"own_hours": "9" * 400},
        {"kvk_number": "12345678" * 100},
        {"dream": "99999999999999999999999"},
        {"dream": "new", "dream-neighbourhood": "abc", "dream-theme": "9" * 30},
        {"applicant": "<script>"},
        {"organisation_kind": "'; DROP TABLE"},
        {"answer_0": "x" * 5000},
    ],
)
def test_hostile_input_never_a_server_error(client, resident, fund, dream, hostile):
    client.force_login(resident)
    response = client.post(_url(fund), _post(dream, **hostile))
    if "line_rows" in hostile:  # a number of rows out of bounds is only clamped
        assert response.status_code == 302
        assert Application.objects.get().lines.count() == 2
        return
    assert response.status_code == 400
    _nothing_stored()


def test_amount_parse():
    assert amount_parse("1.234,50") == Decimal("1234.50")
    assert amount_parse("1234,50") == Decimal("1234.50")
    assert amount_parse("1234.50") == Decimal("1234.50")
    assert amount_parse("1,234.50") == Decimal("1234.50")
    assert amount_parse("1.234") == Decimal(1234)  # a Dutch reader's thousands
    assert amount_parse("1 234,5") == Decimal("1234.5")
    assert amount_parse("€ 12") == Decimal(12)
    assert amount_parse("12,5") == Decimal("12.5")
    assert amount_parse("-5") == Decimal(-5)
    assert amount_parse("1.234.567,89") == Decimal("1234567.89")
    for bad in ("1,2,3", "12.34.5", "abc", "1e5", "١٢٣", "1..2", ",5", "1.23.456"):
        with pytest.raises(ValueError):
            amount_parse(bad)


def test_the_form_reads_a_fixed_number_of_queries(
    client, resident, fund, neighbourhood, django_assert_max_num_queries
):
    DreamFactory.create_batch(2, resident=resident, neighbourhood=neighbourhood)
    client.force_login(resident)
    with django_assert_max_num_queries(12) as few:
        assert client.get(_url(fund)).status_code == 200
    DreamFactory.create_batch(30, resident=resident, neighbourhood=neighbourhood)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_url(fund)).status_code == 200


def test_the_sent_page_is_the_applicants_own(client, resident, other_resident, fund, dream):
    client.force_login(resident)
    client.post(_url(fund), _post(dream))
    url = reverse("neighbourhoods:application_sent", args=[Application.objects.get().pk])
    client.force_login(other_resident)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_neighbourhood_fund_offers_only_dreams_of_its_neighbourhood(
    client, resident, fund, dream
):
    elsewhere = DreamFactory(
        resident=resident, neighbourhood=NeighbourhoodFactory(name="Elders"), title="Ver weg"
    )
    client.force_login(resident)
    content = client.get(_url(fund)).content.decode()
    assert dream.title in content and elsewhere.title not in content


def test_an_amount_field_keeps_within_decimal_arithmetic():
    from neighbourhoods.application_forms import AmountField

    field = AmountField(label="Bedrag")
    for code, typed in (
        ("max_value", "9" * 40),
        ("max_value", "9" * 40 + ",5"),
        ("max_decimal_places", "1," + "0" * 40 + "1"),
    ):
        with pytest.raises(ValidationError) as refused:
            field.clean(typed)
        codes = {error.code for error in refused.value.error_list}
        assert codes & {code, "max_digits", "max_whole_digits"}, (typed, codes)


def test_the_dream_page_reads_its_applications_in_one_query(
    client, resident, fund, dream, django_assert_max_num_queries, settings
):
    """However many applications, with however many lines and answers: one query."""
    settings.DATA_CACHE_SECONDS = 0  # both looks read the page anew (config/cached_pages.py)
    client.force_login(resident)
    page = reverse("residents:dream_detail", args=[dream.pk])

    def apply(number: int) -> None:
        data = _post(dream, line_3_description="Extra", line_3_amount=str(number))
        assert client.post(_url(fund), data).status_code == 302
        Application.objects.update(state=Application.State.REFUSED)  # room for the next one

    apply(1)
    client.get(page)
    with django_assert_max_num_queries(12) as one:
        client.get(page)
    with_one = len(one.captured_queries)  # read now: the next request empties the log
    for number in range(2, 5):
        apply(number)
    with django_assert_max_num_queries(with_one) as four:
        content = client.get(page).content.decode()
    assert content.count('class="portal-application"') == 4
    reads = [q["sql"] for q in four.captured_queries if "initiatives_budgetline" in q["sql"]]
    assert len(reads) == 1


def test_without_an_open_dream_a_new_dream_is_chosen(client, resident, fund):
    client.force_login(resident)
    content = client.get(_url(fund)).content.decode()
    assert re.search(r'<input type="radio" name="dream" value="new"[^>]* checked>', content)
    assert content.count('name="dream"') == 1
