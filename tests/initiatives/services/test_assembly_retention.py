"""A citizens' assembly's pool loses its personal data ASSEMBLY_RETENTION_DAYS after the
assembly ended (issue 18, item 7): the nightly retention job, once."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import serializers

from initiatives import services
from initiatives.assembly_models import (
    Assembly,
    AssemblyMeeting,
    AssemblyOutcome,
    Invitation,
    Participant,
    PublicDraw,
)
from initiatives.models import Dream, OutboxMail, RetentionLog
from tests.factories import (
    AddressFactory,
    AssemblyLifeFactory,
    PanelMemberFactory,
    PublicDrawFactory,
)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ENDED = datetime(2026, 3, 1, 21, 0, tzinfo=AMSTERDAM)
PEOPLE = [
    ("P-0001", "Fatima El Idrissi", "fatima@example.nl", "06-11111111", "Kastanjelaan", 7),
    ("P-0002", "Joost van Dam", "joost@example.nl", "06-22222222", "Beukenhof", 12),
    ("P-0003", "Ria Peters", "ria@example.nl", "06-33333333", "Lindeplein", 3),
]
PERSONAL = [
    text
    for _pseudonym, name, email, phone, _street, _number in PEOPLE
    for text in (name, email, phone)
] + ["Dinsdagavond"]


@pytest.fixture
def world(neighbourhood, theme, mogelijkmaker, django_capture_on_commit_callbacks):
    """An assembly with a panel of three, a published draw, a meeting, and an outcome that
    Fatima and Joost took up as a dream (Fatima owns it)."""
    assembly = AssemblyLifeFactory(
        title="Burgerberaad Drunen", neighbourhoods=[neighbourhood], created_by=mogelijkmaker
    )
    panel = []
    for pseudonym, name, email, phone, street, number in PEOPLE:
        participant = PanelMemberFactory(
            assembly=assembly,
            pseudonym=pseudonym,
            name=name,
            email=email,
            phone=phone,
            availability="Dinsdagavond",
            features={"leeftijd": "30-44"},
        )
        address = participant.invitation.address
        address.street, address.house_number = street, number
        address.save()
        panel.append(participant)
    draw = PublicDrawFactory(
        assembly=assembly,
        kind="panel",
        inputs={"pool": [{"id": p.pseudonym, "leeftijd": "30-44"} for p in panel]},
        result={"selected": [p.pseudonym for p in panel], "probabilities": {"P-0001": 1.0}},
    )
    AssemblyMeeting.objects.create(
        assembly=assembly, starts_at=ENDED - timedelta(days=30), place="Het Anker"
    )
    outcome = services.assembly_outcome_save(
        by=mogelijkmaker,
        assembly=assembly,
        title="Pluktuin",
        description="Fruitbomen bij de school.",
        participants=[panel[0].pk, panel[1].pk],
    )
    with django_capture_on_commit_callbacks(execute=True):
        dream = services.assembly_outcome_to_dream(
            by=mogelijkmaker, outcome=outcome, participants=panel[:2], lead=panel[0], theme=theme
        )
    OutboxMail.objects.update(state=OutboxMail.State.SENT)  # delivered long ago
    with time_machine.travel(ENDED, tick=False):
        services.assembly_end(by=mogelijkmaker, assembly=assembly)
    return {"assembly": assembly, "draw": draw, "dream": dream, "panel": panel}


def _run(at: datetime, capture) -> dict:
    with time_machine.travel(at, tick=False), capture(execute=True):
        return services.retention_apply()


def _tables_dump() -> str:
    """Every row of the assembly's tables, as JSON text."""
    rows = []
    for model in (Assembly, PublicDraw, Invitation, Participant, AssemblyMeeting, AssemblyOutcome):
        rows.append(serializers.serialize("json", model.objects.all()))
    return "\n".join(rows)


def test_before_the_retention_period_nothing_goes(world, django_capture_on_commit_callbacks):
    result = _run(ENDED + timedelta(days=29), django_capture_on_commit_callbacks)
    assert result["assembly_pools"] == 0
    dump = _tables_dump()
    assert all(text in dump for text in PERSONAL)
    assert Invitation.objects.filter(address__isnull=False).count() == 3


def test_after_it_the_pool_is_anonymous(world, settings, django_capture_on_commit_callbacks):
    settings.ASSEMBLY_RETENTION_DAYS = 30
    draw_before = PublicDraw.objects.values("inputs", "result", "seed").get(pk=world["draw"].pk)
    result = _run(ENDED + timedelta(days=31), django_capture_on_commit_callbacks)
    assert result["assembly_pools"] == 1

    dump = _tables_dump()
    for text in PERSONAL:
        assert text not in dump, text
    assert not Invitation.objects.filter(address__isnull=False).exists()
    # The neighbourhood stays, for figures; the register's addresses themselves stay.
    assert Invitation.objects.filter(neighbourhood=world["assembly"].neighbourhoods.get()).count()
    assert AddressFactory._meta.model.objects.count() == 3

    participants = Participant.objects.filter(assembly=world["assembly"])
    assert all(p.anonymised_at is not None and p.user_id is None for p in participants)
    # The pseudonyms, answers, draws, meetings and outcomes stay: the public page still works.
    assert sorted(p.pseudonym for p in participants) == ["P-0001", "P-0002", "P-0003"]
    assert all(p.features == {"leeftijd": "30-44"} for p in participants)
    assert PublicDraw.objects.values("inputs", "result", "seed").get(pk=world["draw"].pk) == (
        draw_before
    )
    selected = PublicDraw.objects.get(pk=world["draw"].pk).result["selected"]
    assert set(selected) == {p.pseudonym for p in participants}
    outcome = AssemblyOutcome.objects.get()
    assert outcome.dream == world["dream"]
    assert sorted(outcome.taken_up_by.values_list("pseudonym", flat=True)) == ["P-0001", "P-0002"]
    assert AssemblyMeeting.objects.count() == 1

    # Fatima keeps her dream and her account: they are hers, not the pool's.
    dream = Dream.objects.select_related("resident").get(pk=world["dream"].pk)
    assert dream.resident.email == "fatima@example.nl" and dream.resident.is_active
    # The mail to Joost, who has no account, went with the pool.
    assert not OutboxMail.objects.filter(to_email="joost@example.nl").exists()

    assembly = Assembly.objects.get(pk=world["assembly"].pk)
    assert assembly.personal_data_removed_at is not None
    log = RetentionLog.objects.get(reason=RetentionLog.Reason.ASSEMBLY)
    assert log.assembly == assembly and log.participants == 3 and log.mails == 1
    assert set(log.fields) == {"name", "email", "phone", "availability", "address"}
    assert not any(text in json.dumps(log.fields) for text in PERSONAL)


def test_twice_changes_nothing_more(world, django_capture_on_commit_callbacks):
    _run(ENDED + timedelta(days=31), django_capture_on_commit_callbacks)
    first = Assembly.objects.get(pk=world["assembly"].pk).personal_data_removed_at
    again = _run(ENDED + timedelta(days=40), django_capture_on_commit_callbacks)
    assert again["assembly_pools"] == 0
    assert RetentionLog.objects.filter(reason=RetentionLog.Reason.ASSEMBLY).count() == 1
    assert Assembly.objects.get(pk=world["assembly"].pk).personal_data_removed_at == first


def test_an_assembly_that_has_not_ended_keeps_its_pool(
    world, mogelijkmaker, django_capture_on_commit_callbacks
):
    running = AssemblyLifeFactory(created_by=mogelijkmaker)
    PanelMemberFactory(assembly=running, name="Henk de Wit", email="henk@example.nl")
    _run(ENDED + timedelta(days=400), django_capture_on_commit_callbacks)
    henk = Participant.objects.get(assembly=running)
    assert (henk.name, henk.email, henk.anonymised_at) == ("Henk de Wit", "henk@example.nl", None)
    assert Assembly.objects.get(pk=running.pk).personal_data_removed_at is None
