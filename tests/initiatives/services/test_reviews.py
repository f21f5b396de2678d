"""The core-value review (services/reviews.py)."""

import pytest

from initiatives import services
from initiatives.models import CoreValue, EventKind, Review, Verdict
from tests.factories import ReviewFactory
from tests.initiatives.services.helpers import ALL_SUPPORT

pytestmark = pytest.mark.django_db


class TestReview:
    def test_a_revision_is_a_new_version_and_the_old_one_is_kept(
        self, in_conversation, mogelijkmaker
    ):
        first = services.review_record(
            dream=in_conversation,
            by=mogelijkmaker,
            verdicts={**ALL_SUPPORT, CoreValue.DIALOGUE: (Verdict.TENSION, "Buren niet gehoord.")},
            dilemma="Wie beslist over de plek?",
        )
        second = services.review_record(
            dream=in_conversation, by=mogelijkmaker, verdicts=ALL_SUPPORT
        )

        versions = list(
            Review.objects.filter(dream=in_conversation)
            .order_by("version")
            .values_list("version", "is_current", "has_tension", "dialogue_verdict")
        )
        assert versions == [(1, False, True, Verdict.TENSION), (2, True, False, Verdict.SUPPORTS)]
        assert (first.version, second.version) == (1, 2)
        assert Review.objects.get(pk=first.pk).dilemma == "Wie beslist over de plek?"
        events = in_conversation.events.filter(kind=EventKind.REVIEW)
        assert list(events.values_list("public", flat=True)) == [False, False]

    @pytest.mark.parametrize("value", CoreValue.values)
    def test_any_tension_marks_the_review(self, in_conversation, mogelijkmaker, value):
        verdicts = {
            **dict.fromkeys(CoreValue.values, (Verdict.NOT_RELEVANT, "Speelt hier niet.")),
            value: (Verdict.TENSION, "Hier wringt het."),
        }
        review = services.review_record(dream=in_conversation, by=mogelijkmaker, verdicts=verdicts)
        assert Review.objects.get(pk=review.pk).has_tension is True

    def test_no_tension_without_a_tension_verdict(self, in_conversation, mogelijkmaker):
        verdicts = {**ALL_SUPPORT, CoreValue.CUSTOMER: (Verdict.NOT_RELEVANT, "n.v.t.")}
        review = services.review_record(dream=in_conversation, by=mogelijkmaker, verdicts=verdicts)
        assert Review.objects.get(pk=review.pk).has_tension is False

    @pytest.mark.parametrize(
        "verdicts",
        [
            {k: v for k, v in ALL_SUPPORT.items() if k != CoreValue.RESPONSIBILITY},
            {**ALL_SUPPORT, CoreValue.CUSTOMER: (Verdict.SUPPORTS, "   ")},
            {**ALL_SUPPORT, CoreValue.CUSTOMER: ("great", "Prima.")},
        ],
        ids=["missing-value", "empty-reasoning", "unknown-verdict"],
    )
    def test_an_incomplete_review_is_refused(self, in_conversation, mogelijkmaker, verdicts):
        ReviewFactory(dream=in_conversation, by=mogelijkmaker)
        with pytest.raises(ValueError):
            services.review_record(dream=in_conversation, by=mogelijkmaker, verdicts=verdicts)
        assert list(Review.objects.values_list("version", "is_current")) == [(1, True)]
        assert not in_conversation.events.exists()
