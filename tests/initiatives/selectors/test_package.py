"""initiatives.selectors is a package of modules, one concern each; the package still answers
for every name the single module had, so callers need not know where a read lives."""

import importlib

from initiatives import selectors

# Every public name of initiatives/selectors.py before it was split up, but
# dreams_realised_public: the home page's stories come from Publications now (issue 19).
NAMES_BEFORE_THE_SPLIT = {
    "DREAM_SORTS",
    "OUTBOX_FAILING_WINDOW_SECONDS",
    "TIMELINE_LATEST",
    "decision_for_signing",
    "decisions_awaiting_letter",
    "dream_for_resident",
    "dream_for_staff",
    "dreams_first_contact_overdue",
    "dreams_of_resident",
    "dreams_pick_up_overdue",
    "dreams_withdrawn_on_erase",
    "enablers",
    "funds_current",
    "grants_awaiting_approval",
    "neighbourhood_list",
    "outbox_failed_count",
    "outbox_failing_count",
    "outbox_oldest_pending",
    "photo_for_resident",
    "photo_for_staff",
    "resident_data_export",
    "service_promises",
    "staff_dream_list",
    "theme_list",
    "triage_queue",
    "week_bounds",
    "weekly_figures",
    "weekly_report_for",
    "workload",
}


def test_every_name_of_the_old_module_is_still_there():
    assert set(selectors.__all__) >= NAMES_BEFORE_THE_SPLIT
    for name in NAMES_BEFORE_THE_SPLIT:
        assert hasattr(selectors, name), name


def test_each_name_is_the_one_its_module_defines():
    """A re-export of the function in its module, not a second copy of it."""
    for name in selectors.__all__:
        value = getattr(selectors, name)
        home = getattr(value, "__module__", None)
        if home is None:  # a constant: find the module that holds it
            continue
        assert home.startswith("initiatives.selectors."), (name, home)
        assert getattr(importlib.import_module(home), name) is value, name
