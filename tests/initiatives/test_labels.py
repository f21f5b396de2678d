"""Status and event labels, looked up directly (Django's get_FOO_display is slow for this)."""

from django.utils import translation

from initiatives.models import Dream, EventKind, TimelineEvent
from initiatives.statuses import Status


def test_labels_are_those_of_the_choices_in_the_active_language():
    event = TimelineEvent(kind=EventKind.STATUS_CHANGED, from_status="submitted", to_status="")
    dream = Dream(status=Status.IN_PROGRESS)
    for language in ("nl", "en"):
        with translation.override(language):
            assert event.get_kind_display() == str(EventKind.STATUS_CHANGED.label)
            assert event.get_from_status_display() == str(Status.SUBMITTED.label)
            assert dream.get_status_display() == str(Status.IN_PROGRESS.label)
    with translation.override("en"):
        assert dream.get_status_display() == "In progress"


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert TimelineEvent(kind="something_old", to_status="").get_to_status_display() == ""
    assert TimelineEvent(kind="something_old").get_kind_display() == "something_old"
