# ruff: noqa: F811 - the fixtures of tests/neighbourhoods/decision_world.py, imported
"""What the deciders read of applications (selectors/application_decisions.py): a chair only
their own platform's, without a person's data; staff what waits for them, their own first;
every list in a fixed number of queries, whatever its length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives import selectors
from initiatives.models import Application, PlatformMember
from tests.neighbourhoods.decision_world import (  # noqa: F401 - fixtures
    CONTACT_PERSON,
    SIGNATORY,
    SLUG,
    applications,
    chair,
    contact,
    former_chair,
    funds,
    make_application,
    make_dream,
    member,
    other_enabler,
    platform,
    signed_in,
)

pytestmark = pytest.mark.django_db


class TestChair:
    def test_only_the_active_chair_gets_the_platform(self, platform, chair, member, former_chair):
        assert selectors.platform_chaired_by(chair, SLUG) == platform
        assert selectors.platform_chaired_by(member, SLUG) is None
        assert selectors.platform_chaired_by(former_chair, SLUG) is None
        assert selectors.platform_chaired_by(chair, "elders") is None
        PlatformMember.objects.filter(user=chair).update(left_at=timezone.now())
        assert selectors.platform_chaired_by(chair, SLUG) is None

    def test_the_platforms_applications_waiting_and_elsewhere(self, applications, platform):
        lists = selectors.applications_for_platform(platform)
        assert [a.pk for a in lists["waiting"]] == [
            applications["advice"].pk,
            applications["platform"].pk,
        ]
        assert [a.pk for a in lists["elsewhere"]] == [applications["frame"].pk]
        assert selectors.application_for_platform(platform, applications["staff"].pk) is None

    def test_a_persons_data_is_not_even_read(self, applications, platform):
        with CaptureQueriesContext(connection) as queries:
            lists = selectors.applications_for_platform(platform)
            for application in lists["waiting"]:
                str(application.dream.title)
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        for column in (
            "contact_person",
            "signatory",
            "kvk_number",
            "contact_phone",
            "contact_name",
            '"location"',
            "email",
            "resident_id",
            "submitted_by_id",
        ):
            assert column not in sql, column
        application = lists["waiting"][0]
        assert "contact_person" in application.get_deferred_fields()


def _many(resident, neighbourhood, theme, contact, funds, n):
    for i in range(n):
        dream = make_dream(resident, neighbourhood, theme, contact, f"Droom {i}")
        make_application(dream, funds["advice" if i % 2 else "staff"])


class TestQueryCounts:
    def test_the_chairs_list_reads_the_same_whatever_its_length(
        self, applications, platform, chair, resident, neighbourhood, theme, contact, funds
    ):
        client = signed_in(chair)
        url = f"/wijken/{SLUG}/aanvragen/"
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        _many(resident, neighbourhood, theme, contact, funds, 12)
        with CaptureQueriesContext(connection) as many:
            response = client.get(url)
        assert response.content.decode().count('id="application-') == 2 + 6  # 6 new ask advice
        # The session, the user, the platform, the applications, their lines, answers, advice.
        assert len(many) == len(few) == 7, [q["sql"] for q in many.captured_queries]

    def test_the_staff_list_reads_the_same_whatever_its_length(
        self, applications, contact, resident, neighbourhood, theme, funds
    ):
        client = signed_in(contact)
        client.get("/medewerkers/aanvragen/")
        with CaptureQueriesContext(connection) as few:
            assert client.get("/medewerkers/aanvragen/").status_code == 200
        _many(resident, neighbourhood, theme, contact, funds, 12)
        with CaptureQueriesContext(connection) as many:
            response = client.get("/medewerkers/aanvragen/")
        assert response.content.decode().count("Droom ") == 6
        # The session, the user, the roles, the second factor, the applications.
        assert len(many) == len(few) == 5, [q["sql"] for q in many.captured_queries]

    def test_the_staff_page_of_one_application_reads_a_fixed_number(self, applications, contact):
        application = applications["staff"]
        for _ in range(8):
            application.lines.create(description="Extra", amount=1)
        client = signed_in(contact)
        client.get(f"/medewerkers/aanvragen/{application.pk}/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/medewerkers/aanvragen/{application.pk}/").status_code == 200
        assert len(queries) <= 8, [q["sql"] for q in queries.captured_queries]

    def test_the_staff_list_puts_my_dreams_first(
        self, applications, contact, other_enabler, resident, neighbourhood, theme, funds
    ):
        theirs = make_application(
            make_dream(resident, neighbourhood, theme, other_enabler, "Van een ander"),
            funds["staff"],
        )
        Application.objects.filter(pk=theirs.pk).update(
            submitted_at=timezone.now().replace(year=2020)
        )
        mine = [a.pk for a in selectors.applications_waiting_for_staff(contact)]
        assert mine[-1] == theirs.pk
        assert selectors.applications_waiting_for_staff(other_enabler)[0].pk == theirs.pk
