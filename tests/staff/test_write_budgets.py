"""What one workspace action costs the database: every query of the whole request.

A staff action is one htmx POST, as the page sends it, and its answer is the re-rendered
workspace panel (or, for a pick-up, the redirect to it). The budgets pin the counts so that
a change that reads the dream again, or preloads what the answer does not show, fails here.
Mail delivery happens after commit in a worker and is not part of the request.
"""

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives import services
from initiatives.models import CoreValue, Verdict
from initiatives.statuses import Status

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/medewerkers/"}

# action: the most queries its whole request may run (before issue 12: pick up 27, contact
# moment 36, message 38, review 44, grant 46, move 49, sign 24). The workspace is read once,
# after the action; before it only the dream's existence is checked. Since issue 14 the
# re-rendered workspace reads the service promises once more (its summary's deadlines, and
# the grant form's approval limit from the same row), and a grant's answer names its limit.
BUDGETS = {
    "pick up": 15,
    "contact moment": 28,
    "message": 30,
    "review": 36,
    "grant": 37,
    "move": 40,
    "sign": 23,
}


def _post(client, url: str, data: dict | None = None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data or {}, headers=HTMX)
    if os.environ.get("SHOW_QUERY_COUNTS"):
        print(f"\nQUERIES {url} {len(queries)}")
        for query in queries.captured_queries:
            print("   ", query["sql"][:160])
    return len(queries), response


def _verdicts() -> dict:
    data = {"review-dilemma": "Rust of reuring?", "review-discussed_with": "Team Noord"}
    for value in CoreValue:
        data[f"review-{value.value}_verdict"] = Verdict.SUPPORTS
        data[f"review-{value.value}_reasoning"] = "Past bij de buurt."
    return data


def _workspace(dream) -> str:
    return f"/medewerkers/dromen/{dream.pk}/"


def test_pick_up(client, enabler, dream):
    client.force_login(enabler)
    count, response = _post(client, f"{_workspace(dream)}oppakken/")
    assert response["HX-Redirect"] == _workspace(dream)
    dream.refresh_from_db()
    assert dream.status == Status.PICKED_UP
    assert count <= BUDGETS["pick up"]


WORKSPACE_ACTIONS = {
    "contact moment": (
        "contact/",
        lambda c: {
            "contact-kind": "visit",
            "contact-on": timezone.localdate().isoformat(),
            "contact-summary": "Koffie bij Anna thuis.",
        },
        "Het contactmoment is vastgelegd.",
    ),
    "message": (
        "bericht/",
        lambda c: {"message-body": "We bellen je dinsdag."},
        "Je bericht is verstuurd naar de inwoner.",
    ),
    "review": ("kernwaarden/", lambda c: _verdicts(), "De toets aan de kernwaarden is vastgelegd."),
    "grant": (
        "budget/",
        lambda c: {"grant-fund": c["fund"].pk, "grant-amount": "250,50", "grant-purpose": "Verf"},
        "€ 250,50 uit Dromenfonds is toegekend.",
    ),
    "move": (
        "status/",
        lambda c: {"move-target": "in_progress", "move-note": "Het plan is rond."},
        "De status is gewijzigd.",
    ),
}


@pytest.mark.parametrize("action", list(WORKSPACE_ACTIONS))
def test_workspace_action(client, enabler, reviewed, fund, action):
    path, data, success = WORKSPACE_ACTIONS[action]
    client.force_login(enabler)
    count, response = _post(client, _workspace(reviewed) + path, data({"fund": fund}))
    assert response.status_code == 200
    assert success in response.content.decode()  # the re-rendered panel, not a refusal
    assert count <= BUDGETS[action]


def test_sign(client, comms, enabler, reviewed):
    decision = services.decision_propose(dream=reviewed, by=enabler, reasons="Van de provincie.")
    client.force_login(comms)
    letter = "Beste Anna,\n\nHet park is niet van de gemeente."
    count, response = _post(client, f"/medewerkers/besluiten/{decision.pk}/", {"letter": letter})
    assert response.status_code == 302
    reviewed.refresh_from_db()
    assert reviewed.status == Status.NOT_POSSIBLE
    assert count <= BUDGETS["sign"]
