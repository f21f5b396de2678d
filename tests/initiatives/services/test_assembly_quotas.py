"""The panel's quotas (issue 18): set per answer, refused per field with a reason, only
before the panel is drawn, only by staff who prepare assemblies."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import override

from accounts.roles import Role
from initiatives import services
from initiatives.assembly_models import Assembly, AssemblyFeatureValue, PublicDraw
from initiatives.draw_seed import commitment
from initiatives.exceptions import NotAllowed
from tests.assembly_panel_world import make_assembly, value_of
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return StaffFactory(roles=[Role.ENABLER])


@pytest.fixture
def assembly(staff):
    return make_assembly(staff, panel_size=6)


def _quotas(assembly) -> dict[str, tuple]:
    return {
        f"{v.feature.key}/{v.key}": (v.min_seats, v.max_seats)
        for v in AssemblyFeatureValue.objects.filter(feature__assembly=assembly).select_related(
            "feature"
        )
    }


def _set(staff, assembly, **quotas):
    """quotas: leeftijd__jong=(1, 3) …"""
    given = {}
    for name, quota in quotas.items():
        feature, answer = name.split("__")
        given[value_of(assembly, feature, answer).pk] = quota
    return services.assembly_quotas_set(by=staff, assembly=assembly, quotas=given)


def _refusal(staff, assembly, **quotas) -> dict[str, list[str]]:
    before = _quotas(assembly)
    with override("nl"), pytest.raises(ValidationError) as caught:
        _set(staff, assembly, **quotas)
    assert _quotas(assembly) == before, "nothing half-stored"
    return caught.value.message_dict


def test_setting_quotas(staff, assembly):
    _set(
        staff,
        assembly,
        leeftijd__jong=(1, 3),
        leeftijd__midden=(2, 3),
        leeftijd__oud=(1, None),
        gender__vrouw=(3, 3),
        gender__man=(3, 3),
    )
    quotas = _quotas(assembly)
    assert quotas["leeftijd/jong"] == (1, 3)
    assert quotas["leeftijd/oud"] == (1, None)
    assert quotas["gender/man"] == (3, 3)
    assert quotas["wijkdeel/drunen-oost-noord"] == (0, None)  # not given: unchanged


def test_at_most_below_at_least_is_refused_beside_at_most(staff, assembly):
    problems = _refusal(staff, assembly, leeftijd__jong=(3, 2))
    field = services.quota_field("max", value_of(assembly, "leeftijd", "jong").pk)
    assert problems == {field: ["Het maximum kan niet lager zijn dan het minimum (3)."]}


def test_more_than_the_panel_is_refused_for_each_field(staff, assembly):
    jong = value_of(assembly, "leeftijd", "jong").pk
    oud = value_of(assembly, "leeftijd", "oud").pk
    problems = _refusal(staff, assembly, leeftijd__jong=(7, None), leeftijd__oud=(0, 9))
    assert problems == {
        services.quota_field("min", jong): [
            "Het minimum kan niet hoger zijn dan de grootte van het panel (6)."
        ],
        services.quota_field("max", oud): [
            "Het maximum kan niet hoger zijn dan de grootte van het panel (6)."
        ],
    }


def test_minimums_that_do_not_fit_on_the_panel(staff, assembly):
    problems = _refusal(
        staff, assembly, leeftijd__jong=(3, None), leeftijd__midden=(2, None), leeftijd__oud=(2, 6)
    )
    feature = value_of(assembly, "leeftijd", "jong").feature
    assert problems == {
        services.feature_field(feature.pk): [
            "“Hoe oud ben je?”: de minimums zijn samen 7, meer dan de 6 plaatsen in het "
            "panel. Verlaag er een paar."
        ]
    }


def test_maximums_that_cannot_fill_the_panel(staff, assembly):
    problems = _refusal(staff, assembly, gender__vrouw=(0, 2), gender__man=(0, 3))
    feature = value_of(assembly, "gender", "man").feature
    assert problems == {
        services.feature_field(feature.pk): [
            "“Wat is je gender?”: de maximums zijn samen 5, minder dan de 6 plaatsen in het "
            "panel, dus het panel kan nooit vol raken. Verhoog er een paar."
        ]
    }


def test_no_maximum_counts_as_the_whole_panel(staff, assembly):
    _set(staff, assembly, gender__vrouw=(0, 2), gender__man=(0, None))
    assert _quotas(assembly)["gender/vrouw"] == (0, 2)


def test_checks_the_answers_left_as_they_were_too(staff, assembly):
    _set(staff, assembly, gender__vrouw=(0, 3), gender__man=(0, 3))
    problems = _refusal(staff, assembly, gender__man=(0, 2))
    assert list(problems) == [
        services.feature_field(value_of(assembly, "gender", "man").feature_id)
    ]


@pytest.mark.parametrize(
    "quota",
    [(-1, None), ("2", None), (1.5, None), (True, None), (None, None), (0, -2), (0, "x")],
)
def test_hostile_numbers(staff, assembly, quota):
    problems = _refusal(staff, assembly, leeftijd__jong=quota)
    assert len(problems) == 1
    assert next(iter(problems)).endswith(f"_{value_of(assembly, 'leeftijd', 'jong').pk}")


@pytest.mark.parametrize("quota", ["3", (1,), (1, 2, 3), None, 5])
def test_hostile_shapes(staff, assembly, quota):
    with pytest.raises(ValidationError) as caught:
        services.assembly_quotas_set(
            by=staff, assembly=assembly, quotas={value_of(assembly, "gender", "man").pk: quota}
        )
    assert NON_FIELD_ERRORS in caught.value.message_dict or len(caught.value.message_dict) == 1


def test_another_assemblys_answer_is_refused(staff, assembly):
    other = make_assembly(staff, title="Ander beraad")
    theirs = value_of(other, "gender", "man")
    with pytest.raises(ValidationError) as caught:
        services.assembly_quotas_set(by=staff, assembly=assembly, quotas={theirs.pk: (1, 1)})
    assert NON_FIELD_ERRORS in caught.value.message_dict
    theirs.refresh_from_db()
    assert (theirs.min_seats, theirs.max_seats) == (0, None)


@pytest.mark.parametrize("role", [None, Role.COMMUNICATIONS])
def test_only_staff_who_prepare_assemblies(assembly, role):
    someone = StaffFactory(roles=[role] if role else [])
    with pytest.raises(NotAllowed):
        _set(someone, assembly, gender__man=(1, 3))


def test_managers_and_the_administrator_may(assembly):
    _set(StaffFactory(roles=[Role.MANAGER]), assembly, gender__man=(1, 3))
    _set(StaffFactory(is_superuser=True), assembly, gender__man=(2, 3))
    assert _quotas(assembly)["gender/man"] == (2, 3)


@pytest.mark.parametrize("stage", [Assembly.Stage.PREPARING, Assembly.Stage.INVITING])
def test_allowed_before_the_selection_too(staff, assembly, stage):
    Assembly.objects.filter(pk=assembly.pk).update(stage=stage)
    _set(staff, assembly, gender__man=(1, 3))
    assert _quotas(assembly)["gender/man"] == (1, 3)


@pytest.mark.parametrize("stage", [Assembly.Stage.MEETING, Assembly.Stage.ENDED])
def test_refused_once_the_assembly_meets(staff, assembly, stage):
    Assembly.objects.filter(pk=assembly.pk).update(stage=stage)
    with pytest.raises(NotAllowed):
        _set(staff, assembly, gender__man=(1, 3))


def test_refused_once_the_panel_is_drawn(staff, assembly):
    draw = PublicDraw.objects.create(
        assembly=assembly,
        kind=PublicDraw.Kind.PANEL,
        commitment=commitment("0" * 64),
        secret="0" * 64,
        announced_by=staff,
    )
    _set(staff, assembly, gender__man=(1, 3))  # announced only: still possible
    draw.drawn_at = timezone.now()
    draw.save()
    with override("nl"), pytest.raises(NotAllowed, match="Het panel is geloot"):
        _set(staff, assembly, gender__man=(2, 3))


class TestProportional:
    def test_shares_add_up_to_the_panel_one_seat_either_way(self):
        quotas = services.quotas_proportional(panel_size=10, counts={"a": 50, "b": 30, "c": 20})
        assert quotas == {"a": (4, 6), "b": (2, 4), "c": (1, 3)}

    def test_largest_remainder(self):
        quotas = services.quotas_proportional(panel_size=5, counts={"a": 1, "b": 1, "c": 1})
        # 5/3 each: two answers get 2 seats, one gets 1.
        assert sorted(q.min_seats + 1 for q in quotas.values()) == [1, 2, 2]
        assert sum(q.min_seats for q in quotas.values()) <= 5
        assert sum(q.max_seats for q in quotas.values()) >= 5

    def test_a_minimum_is_never_more_than_who_is_there(self):
        quotas = services.quotas_proportional(
            panel_size=10, counts={"a": 500, "b": 500}, available={"a": 2, "b": 40}
        )
        assert quotas["a"] == (2, 6) and quotas["b"] == (4, 6)

    def test_nobody_counted(self):
        assert services.quotas_proportional(panel_size=6, counts={"a": 0}) == {"a": (0, None)}

    def test_suggestions_pass_the_checks(self, staff, assembly):
        counts = {"jong": 3, "midden": 40, "oud": 11}
        ids = {key: value_of(assembly, "leeftijd", key).pk for key in counts}
        quotas = services.quotas_proportional(panel_size=6, counts=counts)
        services.assembly_quotas_set(
            by=staff, assembly=assembly, quotas={ids[k]: q for k, q in quotas.items()}
        )
        saved = _quotas(assembly)
        assert {k: saved[f"leeftijd/{k}"] for k in counts} == quotas
