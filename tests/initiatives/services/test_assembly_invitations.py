"""Preparing an assembly and its invitation lottery (issue 18, stage 1): the public seed,
the uniform draw of households, the invitations and their codes, and every refusal."""

import hashlib
import io
from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from scipy.stats import chi2

from accounts.roles import Role
from initiatives import assembly_codes, draw_seed, selectors, services
from initiatives.assembly_models import Assembly, AssemblyFeatureValue, Invitation, PublicDraw
from initiatives.exceptions import NotAllowed
from initiatives.sortition_invitations import ALGORITHM, invitation_draw_rerun
from tests.factories import AddressFactory, NeighbourhoodFactory, StaffFactory
from tests.staff.assembly_world import (
    WITNESS_VALUE,
    WITNESSES,
    drawn_assembly,
    make_assembly,
    make_households,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return StaffFactory(email="mo@heusden.example", full_name="Mo El Amrani", roles=[Role.ENABLER])


@pytest.fixture
def assembly(staff):
    return make_assembly(staff, households=12, letters=5)


def _announce(staff, assembly) -> PublicDraw:
    return services.invitation_draw_announce(by=staff, assembly=assembly)


class TestAnnounce:
    def test_the_pool_is_fixed_and_only_its_hash_and_the_commitment_published(
        self, staff, assembly
    ):
        neighbourhood = assembly.neighbourhoods.get()
        AddressFactory(neighbourhood=neighbourhood, household=False)  # a shop, a side address
        AddressFactory(neighbourhood=NeighbourhoodFactory(name="Drunen"))  # not in the assembly
        draw = _announce(staff, assembly)
        pool = sorted(
            neighbourhood.addresses.filter(household=True).values_list("bag_id", flat=True)
        )
        assert len(pool) == 12
        assert draw.inputs == {"pool": pool, "number": 5, "neighbourhoods": ["Vlijmen-Oost"]}
        assert (draw.pool_size, draw.pool_hash) == (12, draw_seed.pool_hash(pool))
        assert draw.commitment == hashlib.sha256(draw.secret.encode()).hexdigest()
        assert (draw.kind, draw.number, draw.announced_by) == ("invitations", 1, staff)
        assert (draw.seed, draw.witness_value, draw.drawn_at) == ("", "", None)

    def test_each_announcement_has_its_own_secret(self, staff, assembly):
        other = make_assembly(staff, slug="nog-een", neighbourhood=assembly.neighbourhoods.get())
        assert _announce(staff, assembly).secret != _announce(staff, other).secret

    def test_refused_without_households(self, staff):
        assembly = make_assembly(staff, households=0)
        with pytest.raises(NotAllowed, match="geen huishoudens"):
            _announce(staff, assembly)
        assert not PublicDraw.objects.exists()

    def test_refused_when_the_pool_is_smaller_than_the_letters(self, staff):
        assembly = make_assembly(staff, households=4, letters=5)
        with pytest.raises(NotAllowed, match="Er zijn 4 huishoudens"):
            _announce(staff, assembly)

    def test_refused_twice(self, staff, assembly):
        _announce(staff, assembly)
        with pytest.raises(NotAllowed, match="is al aangekondigd"):
            _announce(staff, assembly)
        assert PublicDraw.objects.count() == 1

    def test_refused_for_a_role_without_assemblies(self, assembly):
        comms = StaffFactory(roles=[Role.COMMUNICATIONS])
        with pytest.raises(NotAllowed):
            _announce(comms, assembly)


class TestPerform:
    def test_the_draw_invites_the_households_the_seed_picks(self, staff, assembly):
        draw = _announce(staff, assembly)
        draw = services.invitation_draw_perform(
            by=staff, draw=draw, witness_value="  4 2   6 1 3 ", witnesses=WITNESSES
        )
        assert draw.witness_value == "4 2 6 1 3"
        assert draw.seed == draw_seed.seed_of(draw.secret, WITNESS_VALUE)
        assert (draw.drawn_by, draw.algorithm, draw.result) == (staff, ALGORITHM, {"positions": 5})
        assert draw.algorithm_version.startswith("Python 3.")
        invitations = list(Invitation.objects.filter(draw=draw).select_related("address"))
        expected = invitation_draw_rerun(draw.inputs["pool"], 5, draw.seed)
        assert [i.address.bag_id for i in invitations] == expected
        assert [i.position for i in invitations] == [1, 2, 3, 4, 5]
        assert len({i.address_id for i in invitations}) == 5  # one letter per household
        for invitation in invitations:
            code = assembly_codes.code_for(draw_id=draw.pk, position=invitation.position)
            assert invitation.code_hash == assembly_codes.code_hash(code)
            assert code not in invitation.code_hash
            assert invitation.registrations_left == 2
            assert invitation.neighbourhood == invitation.address.neighbourhood
        assert Assembly.objects.get(pk=assembly.pk).stage == Assembly.Stage.INVITING

    def test_the_pool_announced_is_the_pool_drawn_from(self, staff, assembly):
        draw = _announce(staff, assembly)
        newcomers = make_households(assembly.neighbourhoods.get(), 30, street="Nieuwbouwlaan")
        draw = services.invitation_draw_perform(
            by=staff, draw=draw, witness_value=WITNESS_VALUE, witnesses=WITNESSES
        )
        drawn = set(Invitation.objects.filter(draw=draw).values_list("address_id", flat=True))
        assert not drawn & {a.pk for a in newcomers}

    def test_performing_twice_is_refused(self, staff):
        _assembly, draw = drawn_assembly(staff)
        with pytest.raises(NotAllowed, match="al gedaan"):
            services.invitation_draw_perform(
                by=staff, draw=draw, witness_value="9", witnesses=WITNESSES
            )
        assert Invitation.objects.count() == 5

    @pytest.mark.parametrize(
        ("witness_value", "witnesses", "field"),
        [
            ("", WITNESSES, "witness_value"),
            ("   \n\t ", WITNESSES, "witness_value"),
            ("1" * 101, WITNESSES, "witness_value"),
            (WITNESS_VALUE, "  ", "witnesses"),
            (WITNESS_VALUE, "x" * 301, "witnesses"),
        ],
    )
    def test_blank_or_long_input_is_refused(self, staff, assembly, witness_value, witnesses, field):
        draw = _announce(staff, assembly)
        with pytest.raises(ValidationError) as refused:
            services.invitation_draw_perform(
                by=staff, draw=draw, witness_value=witness_value, witnesses=witnesses
            )
        assert field in refused.value.message_dict
        draw.refresh_from_db()
        assert (draw.seed, draw.drawn_at, Invitation.objects.count()) == ("", None, 0)

    def test_an_address_gone_from_the_register_stops_the_draw(self, staff, assembly):
        draw = _announce(staff, assembly)
        assembly.neighbourhoods.get().addresses.update(neighbourhood=None)
        with pytest.raises(NotAllowed, match="niet meer met een wijk in het register"):
            services.invitation_draw_perform(
                by=staff, draw=draw, witness_value=WITNESS_VALUE, witnesses=WITNESSES
            )
        assert Invitation.objects.count() == 0


class TestTheDrawItself:
    POOL = [f"07972000000{n:05d}" for n in range(50)]

    def test_the_same_seed_gives_the_same_draw(self):
        seed = draw_seed.seed_of("ab" * 32, WITNESS_VALUE)
        first = invitation_draw_rerun(self.POOL, 10, seed)
        assert first == invitation_draw_rerun(list(self.POOL), 10, seed)
        assert len(set(first)) == 10 and set(first) <= set(self.POOL)

    def test_a_different_witness_value_gives_a_different_draw(self):
        secret = "ab" * 32
        first = invitation_draw_rerun(self.POOL, 10, draw_seed.seed_of(secret, "4 2 6 1 3"))
        other = invitation_draw_rerun(self.POOL, 10, draw_seed.seed_of(secret, "4 2 6 1 4"))
        assert first != other

    def test_a_re_run_from_the_published_inputs_gives_the_letters_order(self, staff):
        _assembly, draw = drawn_assembly(staff)
        letters = selectors.invitation_letters(draw)
        invitations = Invitation.objects.filter(draw=draw).select_related("address")
        by_position = {i.position: i.address.bag_id for i in invitations}
        rerun = invitation_draw_rerun(draw.inputs["pool"], draw.inputs["number"], draw.seed)
        assert [by_position[letter.position] for letter in letters] == rerun

    def test_the_verification_command_gives_the_same_letters(self, staff):
        """manage.py assembly_draw_verify re-runs a draw made by the service from its inputs."""
        _assembly, draw = drawn_assembly(staff)
        out = io.StringIO()
        call_command("assembly_draw_verify", "--draw", str(draw.pk), stdout=out)
        for invitation in Invitation.objects.filter(draw=draw).select_related("address"):
            assert f"  {invitation.position}: {invitation.address.bag_id}\n" in out.getvalue()
        assert out.getvalue().rstrip().endswith("ja")

    def test_every_household_has_the_same_chance(self):
        """2,000 seeded draws of 10 of 50 households: each household's count against the
        chi-square bound at p = 0.001. Inclusion counts are binomial(2000, 0.2); their
        variance is n·p·(1-p), so the statistic divides by that (49 degrees of freedom:
        the counts add up to 20,000)."""
        runs, number, size = 2000, 10, len(self.POOL)
        counts = Counter()
        for run in range(runs):
            counts.update(
                invitation_draw_rerun(self.POOL, number, draw_seed.seed_of("cd" * 32, str(run)))
            )
        p = number / size
        expected = runs * p
        statistic = sum((counts[h] - expected) ** 2 for h in self.POOL) / (expected * (1 - p))
        assert statistic < chi2.ppf(0.999, size - 1), (statistic, counts.most_common(3))
        # And no single household far from its share: within the bound for one cell.
        bound = (chi2.ppf(0.999, 1) * expected * (1 - p)) ** 0.5
        assert all(abs(counts[h] - expected) < bound for h in self.POOL), counts

    def test_a_biased_draw_fails_the_chi_square_test(self):
        """The test above can fail: a draw that favours the first half of the pool does."""
        runs, number, size = 2000, 10, len(self.POOL)
        counts = Counter()
        for run in range(runs):
            half = self.POOL[: size // 2] if run % 3 else self.POOL
            counts.update(
                invitation_draw_rerun(half, number, draw_seed.seed_of("cd" * 32, str(run)))
            )
        p, expected = number / size, runs * number / size
        statistic = sum((counts[h] - expected) ** 2 for h in self.POOL) / (expected * (1 - p))
        assert statistic > chi2.ppf(0.999, size - 1)

    @pytest.mark.parametrize("number", [0, -1, 51])
    def test_impossible_numbers_are_refused(self, number):
        with pytest.raises(ValueError, match="Cannot draw"):
            invitation_draw_rerun(self.POOL, number, "ab" * 32)


class TestAssemblySave:
    def test_fixed_by_the_announcement(self, staff, assembly):
        _announce(staff, assembly)
        values = _values(assembly, invitations_wanted=6)
        with pytest.raises(ValidationError) as refused:
            services.assembly_save(by=staff, assembly=assembly, **values)
        assert "invitations_wanted" in refused.value.message_dict
        values = _values(assembly, neighbourhoods=[NeighbourhoodFactory(name="Nieuwkuijk")])
        with pytest.raises(ValidationError) as refused:
            services.assembly_save(by=staff, assembly=assembly, **values)
        assert "neighbourhoods" in refused.value.message_dict
        # The title and the question may still change before the draw.
        services.assembly_save(
            by=staff, assembly=assembly, **_values(assembly, title="Beraad", question="Wat?")
        )
        assert Assembly.objects.get(pk=assembly.pk).question == "Wat?"

    def test_fixed_by_the_draw(self, staff):
        assembly, _draw = drawn_assembly(staff)
        for change in ({"question": "Iets anders?"}, {"slug": "ander-adres"}):
            with pytest.raises(ValidationError) as refused:
                services.assembly_save(by=staff, assembly=assembly, **_values(assembly, **change))
            assert set(change) <= set(refused.value.message_dict)
        saved = services.assembly_save(
            by=staff, assembly=assembly, **_values(assembly, title="Het beraad", panel_size=4)
        )
        assert (saved.title, saved.panel_size) == ("Het beraad", 4)

    def test_an_ended_assembly_cannot_change(self, staff, assembly):
        Assembly.objects.filter(pk=assembly.pk).update(stage=Assembly.Stage.ENDED)
        assembly.refresh_from_db()
        with pytest.raises(NotAllowed):
            services.assembly_save(by=staff, assembly=assembly, **_values(assembly))

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"neighbourhoods": []}, "neighbourhoods"),
            ({"invitations_wanted": 0}, "invitations_wanted"),
            ({"invitations_wanted": 2001}, "invitations_wanted"),
            ({"panel_size": 6}, "panel_size"),
            ({"people_per_household": 0}, "people_per_household"),
            ({"slug": "met spaties"}, "slug"),
            ({"title": ""}, "title"),
            ({"question": ""}, "question"),
            ({"registration_closes_on": timezone.localdate() - timedelta(days=1)}, None),
        ],
    )
    def test_bad_values_are_refused_beside_their_field(self, staff, assembly, change, field):
        field = field or next(iter(change))
        with pytest.raises(ValidationError) as refused:
            services.assembly_save(by=staff, assembly=assembly, **_values(assembly, **change))
        assert field in refused.value.message_dict

    def test_a_web_address_is_one_assemblys(self, staff, assembly):
        values = _values(assembly, title="Tweede")
        with pytest.raises(ValidationError) as refused:
            services.assembly_save(by=staff, **values)
        assert refused.value.message_dict["slug"] == [
            "Een ander burgerberaad heeft dit webadres al."
        ]


def _values(assembly, **changes) -> dict:
    return {
        "title": assembly.title,
        "slug": assembly.slug,
        "question": assembly.question,
        "neighbourhoods": list(assembly.neighbourhoods.all()),
        "invitations_wanted": assembly.invitations_wanted,
        "panel_size": assembly.panel_size,
        "people_per_household": assembly.people_per_household,
        "registration_closes_on": assembly.registration_closes_on,
        **changes,
    }


class TestFeatures:
    def test_answers_kept_by_their_key_keep_their_quota(self, staff, assembly):
        feature = assembly.features.get(key="leeftijd")
        AssemblyFeatureValue.objects.filter(feature=feature, key="60").update(min_seats=2)
        services.assembly_feature_save(
            by=staff,
            assembly=assembly,
            feature=feature,
            question="Hoe oud ben je?",
            key="leeftijd",
            answers=[("60", "60 jaar of ouder"), ("16-39", "16 tot 40"), ("40-59", "40 tot 60")],
        )
        values = list(feature.values.order_by("position").values_list("key", "label", "min_seats"))
        assert values == [
            ("60", "60 jaar of ouder", 2),
            ("16-39", "16 tot 40", 0),
            ("40-59", "40 tot 60", 0),
        ]

    def test_a_blank_key_is_made_from_the_question(self, staff, assembly):
        feature = services.assembly_feature_save(
            by=staff,
            assembly=assembly,
            question="Waar in de wijk woon je?",
            answers=[("noord", "Noord"), ("zuid", "Zuid")],
        )
        assert (feature.key, feature.position) == ("waar-in-de-wijk-woon-je", 3)

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"question": " "}, "question"),
            ({"question": "x" * 201}, "question"),
            ({"key": "gender"}, "key"),
            ({"key": "met spatie"}, "key"),
            ({"answers": [("ja", "Ja")]}, "answers"),
            ({"answers": [("ja", "Ja"), ("ja", "Ook ja")]}, "answers"),
            ({"answers": [("ja!", "Ja"), ("nee", "Nee")]}, "answers"),
            ({"answers": [("ja", ""), ("nee", "Nee")]}, "answers"),
            ({"answers": [(str(n), str(n)) for n in range(21)]}, "answers"),
        ],
    )
    def test_bad_features_are_refused(self, staff, assembly, changes, field):
        values = {
            "question": "Wat vind je?",
            "key": "mening",
            "answers": [("ja", "Ja"), ("nee", "Nee")],
        }
        with pytest.raises(ValidationError) as refused:
            services.assembly_feature_save(by=staff, assembly=assembly, **(values | changes))
        assert field in refused.value.message_dict
        assert assembly.features.count() == 2

    def test_features_change_only_while_preparing(self, staff):
        assembly, _draw = drawn_assembly(staff)
        feature = assembly.features.first()
        with pytest.raises(NotAllowed, match="De brieven zijn verstuurd"):
            services.assembly_feature_remove(by=staff, feature=feature)
        with pytest.raises(NotAllowed, match="De brieven zijn verstuurd"):
            services.assembly_feature_save(
                by=staff, assembly=assembly, question="Nog een?", answers=[("a", "A"), ("b", "B")]
            )
        assert assembly.features.count() == 2

    def test_another_assemblys_feature_is_refused(self, staff, assembly):
        other = make_assembly(staff, slug="ander", neighbourhood=assembly.neighbourhoods.get())
        with pytest.raises(NotAllowed):
            services.assembly_feature_save(
                by=staff,
                assembly=other,
                feature=assembly.features.first(),
                question="Kaping?",
                answers=[("a", "A"), ("b", "B")],
            )

    def test_removing_one(self, staff, assembly):
        services.assembly_feature_remove(by=staff, feature=assembly.features.get(key="gender"))
        assert list(assembly.features.values_list("key", flat=True)) == ["leeftijd"]
        assert not AssemblyFeatureValue.objects.filter(key="vrouw").exists()
