"""Stage 3's services (initiatives/services/assembly_panel.py): announce, perform (the seed
at once, the panel computed by the worker), decline, witnessed replacement draws that keep
the quotas."""

import json
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from initiatives import draw_seed, services, sortition
from initiatives.assembly_models import Assembly, Participant, PublicDraw
from initiatives.draw_verification import select_from_inputs
from initiatives.exceptions import NotAllowed
from tests.assemblies.panel_world import (
    QUOTAS,
    WITNESS_VALUE,
    WITNESSES,
    add_participants,
    make_assembly,
    mixed_answers,
    perform,
    ready_assembly,
    replacement,
)

pytestmark = pytest.mark.django_db


def announce_and_perform(by, assembly, witness_value=WITNESS_VALUE):
    draw = services.panel_draw_announce(by=by, assembly=assembly)
    return perform(by, draw, witness_value=witness_value)


def panel_of(assembly) -> list[Participant]:
    return list(assembly.participants.filter(state=Participant.State.SELECTED))


def test_announce_freezes_the_pool_as_pseudonyms_and_publishes_only_hashes(mogelijkmaker):
    assembly = ready_assembly(mogelijkmaker, people=12)
    Participant.objects.filter(pseudonym="P-0012").update(state=Participant.State.WITHDRAWN)

    draw = services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)

    assembly.refresh_from_db()
    assert assembly.stage == Assembly.Stage.SELECTING
    assert (draw.kind, draw.number, draw.seed) == (PublicDraw.Kind.PANEL, 1, "")
    assert draw.commitment == draw_seed.commitment(draw.secret)
    pool = draw.inputs["pool"]
    assert [entry["pseudonym"] for entry in pool] == [f"P-{i:04d}" for i in range(1, 12)]
    assert pool[0] == {
        "pseudonym": "P-0001",
        "features": {"leeftijd": "16-29", "gender": "vrouw"},
        "household": "H-001",
    }
    assert draw.pool_hash == draw_seed.pool_hash(pool)
    assert draw.pool_size == 11
    assert draw.inputs["panel_size"] == 6
    assert draw.inputs["quotas"] == {
        feature: {value: list(bounds) for value, bounds in values.items()}
        for feature, values in QUOTAS.items()
    }
    published = json.dumps(draw.inputs)
    assert "Naam" not in published and "@example.nl" not in published and "0612" not in published


def test_households_share_a_label(mogelijkmaker):
    assembly = make_assembly(mogelijkmaker)
    add_participants(assembly, mixed_answers(10), households=[0, 0, 1, 2, 3, 3, 4, 5, 6, 7])
    draw = services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)
    labels = [entry["household"] for entry in draw.inputs["pool"]]
    assert labels[:6] == ["H-001", "H-001", "H-002", "H-003", "H-004", "H-004"]


def test_only_staff_announce(resident, communications_advisor):
    assembly = ready_assembly(resident, people=12)
    for user in (resident, communications_advisor):
        with pytest.raises(NotAllowed):
            services.panel_draw_announce(by=user, assembly=assembly)
    assert not assembly.draws.filter(kind=PublicDraw.Kind.PANEL).exists()


def test_announcing_refuses_quotas_that_cannot_be_met(mogelijkmaker):
    assembly = make_assembly(mogelijkmaker)
    add_participants(assembly, [{"leeftijd": "30-59", "gender": "man"}] * 3)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)
    text = " ".join(excinfo.value.messages)
    assert "'leeftijd: 16-29'" in text
    assert "only 3 people are in the pool" in text
    assembly.refresh_from_db()
    assert assembly.stage == Assembly.Stage.INVITING
    assert not assembly.draws.filter(kind=PublicDraw.Kind.PANEL).exists()


def test_an_empty_pool_or_a_wrong_stage_is_refused(mogelijkmaker):
    assembly = make_assembly(mogelijkmaker)
    with pytest.raises(ValidationError):
        services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)
    other = ready_assembly(mogelijkmaker, slug="elders", stage=Assembly.Stage.PREPARING)
    with pytest.raises(ValidationError):
        services.panel_draw_announce(by=mogelijkmaker, assembly=other)


def test_perform_selects_the_panel_from_the_frozen_inputs(mogelijkmaker, manager):
    assembly = ready_assembly(mogelijkmaker, people=18)
    draw = services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)
    # Registered after the announcement: not in the frozen pool.
    (late,) = add_participants(assembly, [{"leeftijd": "60", "gender": "man"}])

    draw = services.panel_draw_perform(
        by=manager, draw=draw, witness_value="  3 1  4 1 5 ", witnesses=WITNESSES
    )

    # The seed is fixed and stored at once; the panel is the worker's.
    draw.refresh_from_db()
    assert draw.witness_value == "3 1 4 1 5"
    assert draw.seed == draw_seed.seed_of(draw.secret, "3 1 4 1 5")
    assert draw.drawn_by == manager and draw.drawn_at
    assert draw.result == {} and services.draw_computing(draw)
    assert not panel_of(assembly)
    assembly.refresh_from_db()
    assert assembly.stage == Assembly.Stage.SELECTING

    draw = services.draw_compute(draw_id=draw.pk)
    assert draw.algorithm == sortition.ALGORITHM
    assert draw.algorithm_version == sortition.library_version()
    expected = select_from_inputs(draw.inputs, draw.seed)
    assert draw.result["selected"] == expected.selected
    assert set(draw.result["probabilities"]) == {e["pseudonym"] for e in draw.inputs["pool"]}
    assert draw.result["distribution"]
    panel = panel_of(assembly)
    assert sorted(p.pseudonym for p in panel) == expected.selected
    assert all(p.selected_by == draw for p in panel)
    assert late.pseudonym not in draw.result["probabilities"]
    assert sortition.quotas_hold(QUOTAS, [p.features for p in panel], panel_size=6)
    assembly.refresh_from_db()
    assert assembly.stage == Assembly.Stage.MEETING


def test_perform_checks_the_witness_fields_and_is_done_once(mogelijkmaker):
    assembly = ready_assembly(mogelijkmaker, people=12)
    draw = services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)
    with pytest.raises(ValidationError) as excinfo:
        services.panel_draw_perform(by=mogelijkmaker, draw=draw, witness_value=" ", witnesses="")
    assert set(excinfo.value.message_dict) == {"witness_value", "witnesses"}
    with pytest.raises(ValidationError) as excinfo:
        services.panel_draw_perform(
            by=mogelijkmaker, draw=draw, witness_value="9" * 101, witnesses="x" * 301
        )
    assert set(excinfo.value.message_dict) == {"witness_value", "witnesses"}
    draw.refresh_from_db()
    assert draw.seed == ""
    services.panel_draw_perform(
        by=mogelijkmaker, draw=draw, witness_value=WITNESS_VALUE, witnesses=WITNESSES
    )
    with pytest.raises(ValidationError):
        services.panel_draw_perform(
            by=mogelijkmaker, draw=draw, witness_value="other", witnesses=WITNESSES
        )


def solver_only_infeasible(by):
    """All young people are men: two young seats and three women leave one man's seat.
    Every quota on its own can be met, so only the solver finds out."""
    quotas = {
        "leeftijd": {"jong": (2, 4), "oud": (0, 4)},
        "gender": {"vrouw": (3, 4), "man": (0, 1)},
    }
    assembly = make_assembly(by, quotas=quotas, panel_size=4)
    add_participants(
        assembly,
        [{"leeftijd": "jong", "gender": "man"}] * 4
        + [{"leeftijd": "oud", "gender": "vrouw"}] * 4
        + [{"leeftijd": "oud", "gender": "man"}] * 4,
    )
    return assembly


def test_quotas_only_the_solver_finds_impossible_make_the_draw_void(mogelijkmaker):
    assembly = solver_only_infeasible(mogelijkmaker)
    draw = services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)
    with translation.override("en"):
        draw = perform(mogelijkmaker, draw)

    text = " ".join(draw.result["infeasible"])
    assert "leeftijd: jong" in text or "gender: man" in text or "gender: vrouw" in text
    assert set(draw.result) == {"infeasible"} and services.draw_void(draw)
    assert draw.seed and draw.witness_value == WITNESS_VALUE  # stays public, void
    assert not panel_of(assembly)
    assembly.refresh_from_db()
    assert assembly.stage == Assembly.Stage.SELECTING
    # Staff change the quotas and announce a new draw.
    assert services.quotas_locked_reason(assembly) is None
    again = services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)
    assert again.number == 2
    # Computing again changes nothing: a draw with a result is never recomputed.
    assert services.draw_compute(draw_id=draw.pk).result == draw.result


def test_quotas_plainly_impossible_are_refused_at_perform_and_nothing_stored(mogelijkmaker):
    assembly = ready_assembly(mogelijkmaker, people=12)
    draw = services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)
    inputs = dict(draw.inputs, panel_size=40)  # more seats than people: quota_problems
    PublicDraw.objects.filter(pk=draw.pk).update(inputs=inputs)
    draw.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        services.panel_draw_perform(
            by=mogelijkmaker, draw=draw, witness_value=WITNESS_VALUE, witnesses=WITNESSES
        )
    assert "only 12 people are in the pool" in " ".join(excinfo.value.messages)
    draw.refresh_from_db()
    assert (draw.seed, draw.witness_value, draw.result) == ("", "", {})


def test_computing_is_idempotent(mogelijkmaker):
    assembly = ready_assembly(mogelijkmaker, people=12)
    draw = services.panel_draw_perform(
        by=mogelijkmaker,
        draw=services.panel_draw_announce(by=mogelijkmaker, assembly=assembly),
        witness_value=WITNESS_VALUE,
        witnesses=WITNESSES,
    )
    first = services.draw_compute(draw_id=draw.pk)
    selected_by = dict(assembly.participants.values_list("pseudonym", "selected_by"))
    PublicDraw.objects.filter(pk=draw.pk).update(result={**first.result, "selected": ["X"]})
    again = services.draw_compute(draw_id=draw.pk)
    assert again.result["selected"] == ["X"]  # not computed again
    assert dict(assembly.participants.values_list("pseudonym", "selected_by")) == selected_by
    assert services.draw_compute(draw_id=999_999) is None


def test_announcing_again_before_the_draw_takes_the_next_number(mogelijkmaker):
    assembly = ready_assembly(mogelijkmaker, people=12)
    first = services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)
    second = services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)
    assert (first.number, second.number) == (1, 2)
    assert first.commitment != second.commitment
    with pytest.raises(ValidationError):
        services.panel_draw_perform(
            by=mogelijkmaker, draw=first, witness_value=WITNESS_VALUE, witnesses=WITNESSES
        )
    services.panel_draw_perform(
        by=mogelijkmaker, draw=second, witness_value=WITNESS_VALUE, witnesses=WITNESSES
    )
    with pytest.raises(ValidationError):
        services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)


def test_a_different_witness_value_gives_a_different_panel(mogelijkmaker):
    panels = set()
    for i, witness in enumerate(("1 2 3", "6 5 4", "2 2 2", "5 1 6")):
        assembly = make_assembly(mogelijkmaker, slug=f"beraad-{i}", quotas={}, panel_size=3)
        add_participants(assembly, [{}] * 30)
        draw = announce_and_perform(mogelijkmaker, assembly, witness_value=witness)
        panels.add(tuple(draw.result["selected"]))
    assert len(panels) >= 3


def test_decline_only_from_the_panel(mogelijkmaker, resident):
    assembly = ready_assembly(mogelijkmaker, people=12)
    announce_and_perform(mogelijkmaker, assembly)
    member = panel_of(assembly)[0]
    with pytest.raises(NotAllowed):
        services.participant_decline(by=resident, participant=member)
    member = services.participant_decline(by=mogelijkmaker, participant=member)
    assert member.state == Participant.State.DECLINED and member.declined_at
    with pytest.raises(ValidationError):
        services.participant_decline(by=mogelijkmaker, participant=member)
    outsider = assembly.participants.filter(state=Participant.State.REGISTERED).first()
    with pytest.raises(ValidationError):
        services.participant_decline(by=mogelijkmaker, participant=outsider)


def test_quotas_hold_in_every_replacement(mogelijkmaker):
    """Decline after decline, the whole panel keeps the original quotas and one person per
    household; each replacement's seed comes from its own secret and witness value."""
    assembly = make_assembly(mogelijkmaker)
    homes = [i // 2 if i < 12 else i for i in range(30)]  # six households of two
    add_participants(assembly, mixed_answers(30, seed=5), households=homes)
    panel_draw = announce_and_perform(mogelijkmaker, assembly)
    seeds = {panel_draw.seed}

    for number in range(1, 6):
        panel = sorted(panel_of(assembly), key=lambda p: p.pseudonym)
        leaving = panel[(number * 7) % len(panel)]
        services.participant_decline(by=mogelijkmaker, participant=leaving)
        announced = services.replacement_draw_announce(by=mogelijkmaker, assembly=assembly)
        assert (announced.seed, announced.result) == ("", {})
        assert announced.commitment == draw_seed.commitment(announced.secret)
        assert announced.pool_hash == draw_seed.pool_hash(announced.inputs["pool"])
        draw = perform(mogelijkmaker, announced, witness_value=f"{number} 6")

        assert (draw.kind, draw.number) == (PublicDraw.Kind.REPLACEMENT, number)
        assert draw.seed == draw_seed.seed_of(draw.secret, f"{number} 6")
        assert draw.seed not in seeds
        seeds.add(draw.seed)
        assert "panel_seed" not in draw.inputs
        assert draw.inputs["panel_size"] == 1
        assert leaving.pseudonym not in {e["pseudonym"] for e in draw.inputs["pool"]}
        new_panel = panel_of(assembly)
        assert len(new_panel) == 6
        assert sortition.quotas_hold(QUOTAS, [p.features for p in new_panel], panel_size=6)
        homes_on_panel = Counter(p.invitation_id for p in new_panel)
        assert max(homes_on_panel.values()) == 1
        (newcomer,) = [p for p in new_panel if p.selected_by == draw]
        assert draw.result["selected"] == [newcomer.pseudonym]
        assert draw.result["selected"] == select_from_inputs(draw.inputs, draw.seed).selected


def test_a_replacement_is_not_known_before_its_witness_value(mogelijkmaker):
    """The seed depends on the witness value chosen after the announcement: different
    values draw different people, so a false decline cannot pick who comes in."""
    assembly = make_assembly(mogelijkmaker, quotas={}, panel_size=2)
    add_participants(assembly, [{}] * 40)
    announce_and_perform(mogelijkmaker, assembly)
    services.participant_decline(by=mogelijkmaker, participant=panel_of(assembly)[0])
    draw = services.replacement_draw_announce(by=mogelijkmaker, assembly=assembly)
    drawn = {
        tuple(select_from_inputs(draw.inputs, draw_seed.seed_of(draw.secret, value)).selected)
        for value in ("1", "2", "3", "4", "5", "6")
    }
    assert len(drawn) >= 3


def test_replacement_pool_leaves_out_the_households_on_the_panel(mogelijkmaker):
    assembly = make_assembly(mogelijkmaker, quotas={}, panel_size=2)
    add_participants(assembly, [{}] * 8, households=[0, 0, 1, 1, 2, 2, 3, 3])
    announce_and_perform(mogelijkmaker, assembly)
    panel = panel_of(assembly)
    services.participant_decline(by=mogelijkmaker, participant=panel[0])
    draw = replacement(mogelijkmaker, assembly)
    kept_home = panel[1].invitation_id
    housemates = set(
        assembly.participants.filter(invitation_id=kept_home).values_list("pseudonym", flat=True)
    )
    pool = {e["pseudonym"] for e in draw.inputs["pool"]}
    assert not pool & housemates
    # The household of the one who declined is still in the pool.
    declined_home = set(
        assembly.participants.filter(invitation_id=panel[0].invitation_id)
        .exclude(pk=panel[0].pk)
        .values_list("pseudonym", flat=True)
    )
    assert declined_home <= pool


def test_replacement_refusals(mogelijkmaker, resident):
    assembly = ready_assembly(mogelijkmaker, people=12)
    with pytest.raises(ValidationError):  # no panel yet
        services.replacement_draw_announce(by=mogelijkmaker, assembly=assembly)
    panel_draw = announce_and_perform(mogelijkmaker, assembly)
    with pytest.raises(ValidationError):  # the panel is complete
        services.replacement_draw_announce(by=mogelijkmaker, assembly=assembly)
    services.participant_decline(by=mogelijkmaker, participant=panel_of(assembly)[0])
    with pytest.raises(NotAllowed):
        services.replacement_draw_announce(by=resident, assembly=assembly)
    draw = services.replacement_draw_announce(by=mogelijkmaker, assembly=assembly)
    with pytest.raises(ValidationError):  # one open at a time
        services.replacement_draw_announce(by=mogelijkmaker, assembly=assembly)
    with pytest.raises(NotAllowed):
        services.replacement_draw_perform(
            by=resident, draw=draw, witness_value="1", witnesses=WITNESSES
        )
    with pytest.raises(ValidationError):  # not a replacement draw
        services.replacement_draw_perform(
            by=mogelijkmaker, draw=panel_draw, witness_value="1", witnesses=WITNESSES
        )
    with pytest.raises(ValidationError) as excinfo:
        services.replacement_draw_perform(
            by=mogelijkmaker, draw=draw, witness_value="", witnesses=""
        )
    assert set(excinfo.value.message_dict) == {"witness_value", "witnesses"}
    services.replacement_draw_perform(
        by=mogelijkmaker, draw=draw, witness_value="1", witnesses=WITNESSES
    )
    with pytest.raises(ValidationError):  # still being computed: still open
        services.replacement_draw_announce(by=mogelijkmaker, assembly=assembly)
    with pytest.raises(ValidationError):  # sent twice
        services.replacement_draw_perform(
            by=mogelijkmaker, draw=draw, witness_value="2", witnesses=WITNESSES
        )
    services.draw_compute(draw_id=draw.pk)
    with pytest.raises(ValidationError):  # the panel is complete again
        services.replacement_draw_announce(by=mogelijkmaker, assembly=assembly)


def test_a_decline_after_the_announcement_waits_for_the_next_draw(mogelijkmaker):
    assembly = ready_assembly(mogelijkmaker, people=24)
    announce_and_perform(mogelijkmaker, assembly)
    first, second = panel_of(assembly)[:2]
    services.participant_decline(by=mogelijkmaker, participant=first)
    draw = services.replacement_draw_announce(by=mogelijkmaker, assembly=assembly)
    services.participant_decline(by=mogelijkmaker, participant=second)

    draw = perform(mogelijkmaker, draw)
    assert draw.inputs["panel_size"] == 1 and len(draw.result["selected"]) == 1
    assert second.pseudonym in {m["pseudonym"] for m in draw.inputs["panel_kept"]}
    assert len(panel_of(assembly)) == 5
    following = replacement(mogelijkmaker, assembly)
    assert following.number == 2 and following.inputs["panel_size"] == 1
    panel = panel_of(assembly)
    assert len(panel) == 6
    assert sortition.quotas_hold(QUOTAS, [p.features for p in panel], panel_size=6)


def test_a_replacement_that_cannot_keep_the_quotas_is_refused_at_its_announcement(mogelijkmaker):
    assembly = make_assembly(mogelijkmaker)
    answers = mixed_answers(12)
    add_participants(assembly, answers)
    announce_and_perform(mogelijkmaker, assembly)
    # Everyone left in the pool withdraws but one man of 30-59.
    leaving = next(p for p in panel_of(assembly) if p.features["gender"] == "vrouw")
    Participant.objects.filter(assembly=assembly, state=Participant.State.REGISTERED).update(
        state=Participant.State.WITHDRAWN
    )
    add_participants(assembly, [{"leeftijd": "30-59", "gender": "man"}])
    services.participant_decline(by=mogelijkmaker, participant=leaving)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        services.replacement_draw_announce(by=mogelijkmaker, assembly=assembly)
    assert "'gender: vrouw'" in " ".join(excinfo.value.messages)
    assert not assembly.draws.filter(kind=PublicDraw.Kind.REPLACEMENT).exists()
