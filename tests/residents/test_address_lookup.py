"""The typed-address lookup on the dream form (issue 18): postcode and house number to
street and village, with htmx and without, nothing typed lost, hostile input, rate limit."""

import pytest
from django.test import Client

from initiatives import selectors
from initiatives.address_models import Address
from initiatives.models import Dream
from tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NOT_FOUND = "We vinden dit adres niet. Typ de straat zelf."


@pytest.fixture
def drunen(db):
    return NeighbourhoodFactory(name="Drunen")


@pytest.fixture
def addresses(drunen):
    def add(bag, number, letter="", addition="", **extra):
        fields = {
            "bag_id": f"07972000000000{bag:02d}",
            "postcode": "5251AB",
            "house_number": number,
            "house_letter": letter,
            "house_number_addition": addition,
            "street": "Kerkstraat",
            "place": "Drunen",
            "neighbourhood": drunen,
            "household": True,
        }
        return Address.objects.create(**{**fields, **extra})

    return {
        "12": add(1, 12),
        "12a": add(2, 12, letter="a"),
        "14-2": add(3, 14, addition="2"),
        "14-1": add(4, 14, addition="1"),
        "3": add(5, 3, postcode="5252CD", street="Wolput", place="Vlijmen", neighbourhood=None),
    }


# --- the selector ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "postcode, number, addition, expected",
    [
        ("5251AB", "12", "", "12"),
        ("5251 ab", " 12 ", "", "12"),
        ("5251AB", "12", "a", "12a"),
        ("5251AB", "12", "A", "12a"),
        ("5251AB", "14", "2", "14-2"),
        ("5251AB", "14", "-2", "14-2"),
        ("5251AB", "14", "", "14-1"),  # no plain 14: the first of its additions
        ("5251AB", "١٢", "", "12"),  # digits as an Arabic keyboard types them
        ("5251AB", "12", "b", None),
        ("5251AB", "13", "", None),
        ("5251AC", "12", "", None),
    ],
)
def test_lookup_finds_the_typed_address(addresses, postcode, number, addition, expected):
    found = selectors.address_lookup(postcode=postcode, house_number=number, addition=addition)
    assert found == (addresses[expected] if expected else None)


@pytest.mark.parametrize(
    "postcode, number",
    [("", "12"), ("5251AB", ""), ("x" * 5000, "12"), ("5251AB", "12" * 50), ("5251AB", "-3"),
     ("5251AB", "0"), ("5251AB", "1.5"), (None, None), ("5251AB\x00", "12")],
)  # fmt: skip
def test_lookup_of_what_is_no_address_asks_nothing(
    addresses, postcode, number, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert selectors.address_lookup(postcode=postcode, house_number=number) is None


def test_lookup_is_one_query_however_many_additions(addresses, django_assert_num_queries):
    for n in range(3, 40):
        Address.objects.create(
            bag_id=f"07972000001{n:05d}",
            postcode="5251AB",
            house_number=14,
            house_number_addition=str(n),
            street="Kerkstraat",
            place="Drunen",
        )
    with django_assert_num_queries(1):
        found = selectors.address_lookup(postcode="5251AB", house_number="14", addition="39")
    assert found.house_number_addition == "39"


def test_address_text_is_street_number_place(addresses):
    assert selectors.address_text(addresses["12a"]) == "Kerkstraat 12a, Drunen"
    assert selectors.address_text(addresses["14-2"]) == "Kerkstraat 14-2, Drunen"


# --- the endpoint with htmx ------------------------------------------------------------------


def test_htmx_lookup_fills_street_and_village(client, addresses, drunen):
    response = client.get("/adres/", {"postcode": "5251 ab", "house_number": "12"}, **HTMX)
    assert response.status_code == 200
    assert response["Vary"] and "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert "Gevonden: Kerkstraat 12, Drunen." in html
    assert 'id="location-field" hx-swap-oob="true"' in html
    assert 'value="Kerkstraat 12, Drunen"' in html
    assert f'<option value="{drunen.pk}" selected>' in html
    assert "<html" not in html  # a fragment


def test_htmx_lookup_by_post_keeps_the_address_out_of_the_url(client, addresses):
    response = client.post("/adres/", {"postcode": "5251AB", "house_number": "12"}, **HTMX)
    html = response.content.decode()
    assert "Gevonden: Kerkstraat 12, Drunen." in html and "<html" not in html


def test_htmx_lookup_not_found_says_so_in_dutch(client, addresses):
    response = client.get("/adres/", {"postcode": "5251AB", "house_number": "99"}, **HTMX)
    html = response.content.decode()
    assert NOT_FOUND in html
    assert "hx-swap-oob" not in html or 'value="Kerkstraat' not in html


def test_htmx_lookup_never_overwrites_typed_text(client, addresses, drunen):
    vlijmen = NeighbourhoodFactory(name="Vlijmen")
    typed = "Bij de vijver achter de kerk"
    response = client.get(
        "/adres/",
        {
            "postcode": "5251AB",
            "house_number": "12",
            "location": typed,
            "neighbourhood": str(vlijmen.pk),
        },
        **HTMX,
    )
    html = response.content.decode()
    assert f'value="{typed}"' in html
    assert f'<option value="{vlijmen.pk}" selected>' in html
    assert "al een straat of plek getypt" in html


def test_a_second_lookup_replaces_what_the_first_filled(client, addresses):
    response = client.get(
        "/adres/",
        {
            "postcode": "5252CD",
            "house_number": "3",
            "location": "Kerkstraat 12, Drunen",
            "filled_location": "Kerkstraat 12, Drunen",
        },
        **HTMX,
    )
    assert 'value="Wolput 3, Vlijmen"' in response.content.decode()


def test_htmx_lookup_query_count_is_fixed(client, addresses, django_assert_num_queries):
    NeighbourhoodFactory.create_batch(15)
    # The address, and the villages for the select it swaps in.
    with django_assert_num_queries(2):
        client.get("/adres/", {"postcode": "5251AB", "house_number": "12"}, **HTMX)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"postcode": "x" * 10000, "house_number": "y" * 10000},
        {"postcode": "5251AB", "house_number": "12", "neighbourhood": "not-a-number"},
        {"postcode": "5251AB", "house_number": "12", "addition": "<script>alert(1)</script>"},
        {"postcode": ["5251AB", "1234AA"], "house_number": ["12", "13"]},
        {"postcode": "5251AB", "house_number": "12", "location": "x" * 5000},
    ],
)
def test_hostile_input_never_fails(client, addresses, params):
    response = client.get("/adres/", params, **HTMX)
    assert response.status_code == 200
    assert b"<script>alert" not in response.content


# --- without JavaScript -----------------------------------------------------------------------


def _dream_data(theme, **extra):
    return {
        "title": "Bankje bij de vijver",
        "story": "Een plek om samen te zitten.",
        "own_contribution": "Wij schilderen het bankje.",
        "needs_from_municipality": "Een vergunning.",
        "neighbourhood": "",
        "location": "",
        "theme": str(theme.pk),
        "email": "anna@example.nl",
        "contact_name": "Anna",
        "postcode": "5251AB",
        "house_number": "12",
        "addition": "a",
        **extra,
    }


def test_without_javascript_the_form_comes_back_filled_and_nothing_is_lost(
    client, addresses, drunen, theme
):
    response = client.post("/adres/", _dream_data(theme))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gevonden: Kerkstraat 12a, Drunen." in html
    assert 'value="Kerkstraat 12a, Drunen"' in html
    assert f'<option value="{drunen.pk}" selected>' in html
    for typed in ("Bankje bij de vijver", "Een plek om samen te zitten.", "anna@example.nl",
                  'value="5251AB"', 'value="12"'):  # fmt: skip
        assert typed in html
    assert "portal-error" not in html.split('id="address-result"')[0]  # no errors yet
    assert not Dream.objects.exists()
    # Then the resident hands it in with the form as it came back.
    data = _dream_data(theme, location="Kerkstraat 12a, Drunen", neighbourhood=str(drunen.pk))
    client.post("/dromen/nieuw/", data)
    dream = Dream.objects.get()
    assert (dream.location, dream.neighbourhood) == ("Kerkstraat 12a, Drunen", drunen)


def test_without_javascript_not_found_keeps_the_form(client, addresses, theme):
    response = client.post("/adres/", _dream_data(theme, house_number="99"))
    html = response.content.decode()
    assert NOT_FOUND in html and "Bankje bij de vijver" in html


def test_a_plain_get_shows_the_form_with_the_result(client, addresses):
    response = client.get("/adres/", {"postcode": "5251AB", "house_number": "12"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert 'value="Kerkstraat 12, Drunen"' in html


def test_the_dream_form_offers_the_lookup_with_labels(client):
    html = Client().get("/dromen/nieuw/").content.decode()
    assert '<label class="utrecht-form-label" for="id_postcode">Postcode</label>' in html
    assert 'for="id_house_number">Huisnummer</label>' in html
    assert 'id="address-result" role="status"' in html
    assert 'formaction="/adres/"' in html and 'hx-post="/adres/"' in html


def test_the_lookup_is_rate_limited(client, addresses, settings):
    settings.RATELIMIT_ADDRESS_LOOKUP_PER_IP = "3/h"
    answers = [
        client.get("/adres/", {"postcode": "5251AB", "house_number": str(n)}, **HTMX).status_code
        for n in range(5)
    ]
    assert answers == [200, 200, 200, 429, 429]
