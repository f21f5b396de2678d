"""
Create a believable municipality to try the portal with: Heusden's villages, themes,
the Dromenfonds and Vlijmen's own fund halfway through its year, demo accounts, and
dreams in every status with their timelines.

Safe to run twice: what exists is left alone. The dreams are history, so they are
written with past timestamps here rather than replayed through the services.
"""

import secrets
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from initiatives.bag_demo import write_demo_extract
from initiatives.management.demo_assembly import demo_assembly
from initiatives.management.known_credentials import add_flag, refuse_in_production
from initiatives.models import (
    Application,
    BudgetLine,
    ContactMoment,
    CriterionAnswer,
    Decision,
    Dream,
    EventKind,
    Fund,
    Grant,
    Neighbourhood,
    Platform,
    PracticeNote,
    Review,
    Theme,
    TimelineEvent,
    Verdict,
    WorkingPractice,
)
from initiatives.partner_models import Organisation, PartnerInvitation
from initiatives.paspoort_models import PaspoortPart
from initiatives.plan_models import PlanNeed
from initiatives.platform_models import AgendaItem, PlatformMember
from initiatives.selectors.partners import partner_token_hash
from initiatives.situation_models import SituationMap
from initiatives.statuses import Status

VILLAGES = [
    "Drunen",
    "Vlijmen",
    "Heusden",
    "Nieuwkuijk",
    "Haarsteeg",
    "Elshout",
    "Oudheusden",
    "Hedikhuizen",
    "Doeveren",
    "Herpt",
    "Heesbeen",
]
THEMES = [
    "Spelen en sport",
    "Groen",
    "Verkeersveiligheid",
    "Zorg en naoberschap",
    "Cultuur",
    "Duurzaamheid",
]
LETTER = (
    "Beste bewoner,\n\nDank je wel voor je droom en voor de gesprekken die we erover hadden. "
    "Helaas kan je droom niet doorgaan. De plek is van de provincie en die staat er geen "
    "kunstwerk toe, omdat het verkeer er veilig moet kunnen zien. We begrijpen dat dit "
    "jammer is. Je MogelijkMaker denkt graag met je mee over een andere plek."
)
DEMO_PASSWORD = "dromen-doen-demo"  # noqa: S105 - demo accounts on the embedded default only
STAFF = [
    ("sanne.devries@heusden.example", "Sanne de Vries", Role.ENABLER),
    ("youssef.elamrani@heusden.example", "Youssef El Amrani", Role.ENABLER),
    ("petra.communicatie@heusden.example", "Petra van Dijk", Role.COMMUNICATIONS),
    ("marco.manager@heusden.example", "Marco Verhoeven", Role.MANAGER),
    ("beheer@heusden.example", "Ingrid Beheer", Role.ADMINISTRATOR),
]
RESIDENT_EMAIL = "bewoner@heusden.example"
# Partner organisations of every kind (issue 17): (name, kind, contact, email, phone, offer).
PARTNERS = [
    ("Woonstichting Heusden Thuis", Organisation.Kind.HOUSING, "Ellen Bosch",
     "e.bosch@heusdenthuis.example", "073 123 45 67",
     "Huismeesters die meehelpen, groenonderhoud rond de flats, een klein leefbaarheidsbudget."),
    ("Basisschool De Vlinder", Organisation.Kind.SCHOOL, "Meester Tom",
     "directie@devlinder.example", "", "Een schoolplein dat na schooltijd open kan, ouders."),
    ("Bouwmarkt Van Dijk", Organisation.Kind.BUSINESS, "Karin van Dijk",
     "karin@bouwmarktvandijk.example", "0416 12 34 56", "Materialen tegen inkoopprijs."),
    ("Welzijn Heusden", Organisation.Kind.CARE, "Sandra Kok",
     "s.kok@welzijnheusden.example", "", "Opbouwwerkers en vrijwilligers, ouderenwerk."),
    ("Stichting Groen Vlijmen", Organisation.Kind.ASSOCIATION, "Henk de Groot",
     "info@groenvlijmen.example", "", "Plantgoed, kennis van inheemse beplanting."),
    ("Ondernemersvereniging Drunen", Organisation.Kind.OTHER, "Fatima Yilmaz",
     "secretaris@ovdrunen.example", "", "Sponsoring van buurtactiviteiten."),
]  # fmt: skip
OTHER_RESIDENTS = [
    ("fam.jansen@example.nl", "Familie Jansen"),
    ("wijkcomite.vlijmen@example.nl", "Wijkcomité Vlijmen-Oost"),
    ("ahmed.b@example.nl", "Ahmed Bouzid"),
    ("linda.vermeulen@example.nl", "Linda Vermeulen"),
]

# Vlijmen's own fund (issue 16), and the applications it had by the middle of the year:
# (dream, organisation or "" for a resident, budget lines, granted or None while waiting,
# handed in days ago, decided days ago or None).
NEIGHBOURHOOD_FUND = "Denk & Doe mee!-fonds Vlijmen"
NEIGHBOURHOOD_FUND_CRITERIA = [
    "Het plan is voor en door bewoners of organisaties uit Vlijmen.",
    "Buren kunnen meedoen of hebben er plezier van.",
    "Zonder dit geld komt het plan er niet.",
    "Je doet zelf iets: met geld, met uren of met spullen.",
]
NEIGHBOURHOOD_APPLICATIONS = [
    (
        "Bloembakken in de Hoogstraat",
        "",
        [("Twintig bloembakken", Decimal("900")), ("Planten en potgrond", Decimal("300"))],
        Decimal("1200"),
        60,
        48,
    ),
    (
        "Buurtfeest op de Markt",
        "Wijkcomité Vlijmen-Oost",
        [("Muziek en geluid", Decimal("1200")), ("Huur van het podium", Decimal("800"))],
        Decimal("1200"),
        40,
        19,
    ),
    (
        "Veilig oversteken bij de basisschool",
        "",
        [("Hesjes en bordjes voor de klaar-overs", Decimal("650"))],
        None,
        6,
        None,
    ),
]

# (title, village, theme, status, days ago, enabler index, public, own contribution)
DREAMS = [
    (
        "Een jeu-de-boulesbaan bij het Dorpshuis",
        "Haarsteeg",
        "Spelen en sport",
        Status.REALISED,
        220,
        0,
        True,
        "Wij leggen de baan samen aan en houden hem bij. De seniorenclub organiseert elke week een toernooi.",
    ),
    (
        "Bloemenlint langs de Maas",
        "Heusden",
        "Groen",
        Status.REALISED,
        190,
        1,
        True,
        "Twintig buren zaaien en wieden. Wij zorgen dat de bloemen water krijgen in de zomer.",
    ),
    (
        "Buitenbibliotheek in Nieuwkuijk",
        "Nieuwkuijk",
        "Cultuur",
        Status.REALISED,
        160,
        0,
        True,
        "Mijn man timmert het kastje, ik zorg dat er altijd boeken in staan.",
    ),
    (
        "Repair Café in Drunen",
        "Drunen",
        "Duurzaamheid",
        Status.REALISED,
        140,
        1,
        False,
        "Vijf vrijwilligers repareren één zaterdag per maand spullen van buurtbewoners.",
    ),
    (
        "Veilig oversteken bij de basisschool",
        "Vlijmen",
        "Verkeersveiligheid",
        Status.IN_PROGRESS,
        75,
        0,
        False,
        "Ouders staan in de ochtend als klaar-over bij de school. Wij maken zelf een rooster.",
    ),
    (
        "Moestuin voor de hele straat",
        "Elshout",
        "Groen",
        Status.IN_PROGRESS,
        60,
        1,
        False,
        "Wij graven de bakken, zaaien en oogsten samen met de buren.",
    ),
    (
        "Zonnepanelen op het clubhuis",
        "Herpt",
        "Duurzaamheid",
        Status.IN_PROGRESS,
        55,
        0,
        False,
        "De club zoekt zelf een installateur en regelt de helft van het geld met een actie.",
    ),
    (
        "Koffieochtend voor ouderen",
        "Oudheusden",
        "Zorg en naoberschap",
        Status.IN_CONVERSATION,
        30,
        1,
        False,
        "Ik schenk de koffie en haal mensen op die slecht ter been zijn.",
    ),
    (
        "Trapveldje opknappen",
        "Drunen",
        "Spelen en sport",
        Status.IN_CONVERSATION,
        26,
        0,
        False,
        "De jongeren uit de buurt willen helpen met schilderen en opruimen.",
    ),
    (
        "Wandelroute langs de oude vestingwerken",
        "Heusden",
        "Cultuur",
        Status.IN_CONVERSATION,
        21,
        1,
        False,
        "Ik schrijf de teksten voor de bordjes, de historische kring helpt met de feiten.",
    ),
    (
        "Bankje bij de bushalte",
        "Heesbeen",
        "Zorg en naoberschap",
        Status.PICKED_UP,
        9,
        0,
        False,
        "Ik vraag de buren om mee te betalen aan een mooi bankje.",
    ),
    (
        "Minder hard rijden in de Kerkstraat",
        "Nieuwkuijk",
        "Verkeersveiligheid",
        Status.PICKED_UP,
        7,
        1,
        False,
        "Wij hangen zelf spandoeken op en doen mee aan een snelheidsmeting.",
    ),
    (
        "Buurtfeest op de Markt",
        "Vlijmen",
        "Cultuur",
        Status.PAUSED,
        45,
        0,
        False,
        "Het wijkcomité organiseert het feest en zoekt zelf sponsors.",
    ),
    (
        "Speeltuin voor kleine kinderen",
        "Hedikhuizen",
        "Spelen en sport",
        Status.SUBMITTED,
        1,
        None,
        False,
        "Wij willen samen met andere ouders de speeltuin schoonhouden.",
    ),
    (
        "Fruitbomen in het park",
        "Doeveren",
        "Groen",
        Status.SUBMITTED,
        2,
        None,
        False,
        "Ik plant de bomen met mijn buren en wij snoeien ze elk jaar.",
    ),
    (
        "Deelauto voor het dorp",
        "Herpt",
        "Duurzaamheid",
        Status.SUBMITTED,
        4,
        None,
        False,
        "Ik regel de afspraken met de dorpsgenoten die meedoen.",
    ),
    (
        "Jongerenplek bij de sporthal",
        "Drunen",
        "Spelen en sport",
        Status.SUBMITTED,
        6,
        None,
        False,
        "Wij maken zelf de afspraken over opruimen en tijden.",
    ),
    (
        "Boodschappendienst voor buren",
        "Elshout",
        "Zorg en naoberschap",
        Status.SUBMITTED,
        0,
        None,
        False,
        "Tien vrijwilligers doen om de beurt boodschappen.",
    ),
    (
        "Kunstwerk op de rotonde",
        "Vlijmen",
        "Cultuur",
        Status.NOT_POSSIBLE,
        120,
        1,
        False,
        "Een kunstenaar uit het dorp ontwerpt het kunstwerk.",
    ),
    (
        "Parkeerverbod in de hele wijk",
        "Drunen",
        "Verkeersveiligheid",
        Status.NOT_POSSIBLE,
        100,
        0,
        False,
        "Ik vraag handtekeningen op bij de buren.",
    ),
    (
        "Hondenlosloopveld",
        "Haarsteeg",
        "Groen",
        Status.WITHDRAWN,
        80,
        1,
        False,
        "Ik maak een groep hondenbezitters die het veld schoonhoudt.",
    ),
    (
        "Kerstmarkt in Oudheusden",
        "Oudheusden",
        "Cultuur",
        Status.WITHDRAWN,
        65,
        None,
        False,
        "De ondernemers willen de kramen regelen.",
    ),
    (
        "Bloembakken in de Hoogstraat",
        "Vlijmen",
        "Groen",
        Status.REALISED,
        250,
        0,
        True,
        "Elke bewoner zorgt voor de bak voor zijn eigen huis.",
    ),
    (
        "Fietsenstalling bij het station",
        "Nieuwkuijk",
        "Duurzaamheid",
        Status.IN_PROGRESS,
        40,
        1,
        False,
        "Wij vragen de fietsersbond om mee te denken.",
    ),
    (
        "Voorleesuurtje in de bibliotheek",
        "Heusden",
        "Cultuur",
        Status.IN_CONVERSATION,
        16,
        0,
        False,
        "Ik lees elke woensdag voor aan peuters.",
    ),
    (
        "AED in de buurt",
        "Heesbeen",
        "Zorg en naoberschap",
        Status.PICKED_UP,
        3,
        1,
        False,
        "Twaalf buren volgen een reanimatiecursus.",
    ),
    (
        "Natuurspeelplaats bij de school",
        "Elshout",
        "Spelen en sport",
        Status.PAUSED,
        50,
        1,
        False,
        "De ouderraad helpt bij de aanleg op een zaterdag.",
    ),
    (
        "Insectenhotel in het park",
        "Drunen",
        "Groen",
        Status.UNCONFIRMED,
        0,
        None,
        False,
        "Mijn klas bouwt het hotel tijdens de les techniek.",
    ),
]

# The path each status was reached by.
PATHS = {
    Status.UNCONFIRMED: [],
    Status.SUBMITTED: [],
    Status.PICKED_UP: [Status.PICKED_UP],
    Status.IN_CONVERSATION: [Status.PICKED_UP, Status.IN_CONVERSATION],
    Status.IN_PROGRESS: [Status.PICKED_UP, Status.IN_CONVERSATION, Status.IN_PROGRESS],
    Status.PAUSED: [Status.PICKED_UP, Status.IN_CONVERSATION, Status.PAUSED],
    Status.REALISED: [
        Status.PICKED_UP,
        Status.IN_CONVERSATION,
        Status.IN_PROGRESS,
        Status.REALISED,
    ],
    Status.NOT_POSSIBLE: [Status.PICKED_UP, Status.IN_CONVERSATION, Status.NOT_POSSIBLE],
    Status.WITHDRAWN: [Status.WITHDRAWN],
}
STEP_TEXT = {
    Status.PICKED_UP: "Ik heb je droom opgepakt en ben vanaf nu je vaste contactpersoon. Ik bel je deze week.",
    Status.IN_CONVERSATION: "Fijn dat we elkaar spraken op locatie. We zoeken samen uit wat er nodig is.",
    Status.IN_PROGRESS: "We hebben een plan: jullie doen het werk, de gemeente regelt de vergunning en een bijdrage.",
    Status.REALISED: "Het is gelukt! Dank voor jullie inzet voor de buurt.",
    Status.PAUSED: "We wachten op antwoord van de woningcorporatie. Ik laat het je weten zodra ik meer weet.",
    Status.NOT_POSSIBLE: "Helaas kan deze droom niet doorgaan. In de brief van onze communicatieadviseur lees je waarom.",
    Status.WITHDRAWN: "De plannen zijn veranderd, daarom trekken we de droom in.",
}

# The neighbourhood platform of Vlijmen (issue 16): the demo resident chairs it, so that a
# newcomer can write its agenda. Its residents shared three of the village's dreams.
PLATFORM = {
    "name": "Wijkplatform Vlijmen",
    "slug": "wijkplatform-vlijmen",
    "village": "Vlijmen",
    "introduction": (
        "Wij zijn bewoners van Vlijmen die samen bepalen wat onze wijk het meest nodig heeft. "
        "We komen elke maand bij elkaar in het buurthuis. Wil je meedoen? Vraag de voorzitter "
        "om een uitnodiging."
    ),
    "members": ["linda.vermeulen@example.nl", "ahmed.b@example.nl"],
    "shared": [
        "Bloembakken in de Hoogstraat",
        "Veilig oversteken bij de basisschool",
        "Buurtfeest op de Markt",
    ],
}
# (title, what and why, days ago, done days ago or None, titles of the dreams that serve it)
AGENDA = [
    (
        "Veilig naar school",
        "Kinderen moeten lopend en fietsend veilig naar school kunnen. We willen minder "
        "auto's voor de schoolpoort en een veilige oversteek.",
        90,
        None,
        ["Veilig oversteken bij de basisschool"],
    ),
    (
        "Elkaar ontmoeten",
        "Veel buren kennen elkaar niet. We willen meer momenten waarop jong en oud elkaar "
        "tegenkomen.",
        60,
        None,
        ["Buurtfeest op de Markt"],
    ),
    (
        "Een groene, bloeiende wijk",
        "Meer groen in de straten, onderhouden door de bewoners zelf.",
        200,
        20,
        ["Bloembakken in de Hoogstraat"],
    ),
]


# The paspoort (issue 17): the frame every MogelijkMaker works in, in the spirit of Heusden.
PASPOORT = [
    (
        "de-bewoner-is-eigenaar",
        "De bewoner is eigenaar",
        "De droom is van de bewoner. Wij helpen, we nemen het niet over. "
        "Vraag: wat kan de bewoner zelf, en wat is er echt van ons nodig?",
    ),
    (
        "een-gezicht",
        "Eén gezicht",
        "Elke bewoner en elke partner heeft één vast aanspreekpunt bij de gemeente. "
        "Jij regelt intern wat nodig is; de bewoner hoeft niet van loket naar loket.",
    ),
    (
        "geen-nieuwe-regel-voor-een-uitzondering",
        "Geen nieuwe regel voor één uitzondering",
        "Past iets niet in de regels, maar is het goed voor de buurt? Maak een uitzondering "
        "en leg uit waarom. We maken geen nieuwe regel om één geval.",
    ),
    (
        "ruimte-om-af-te-wijken",
        "Ruimte om af te wijken, open over dilemma's",
        "Je krijgt ruimte om af te wijken. Daar hoort bij dat je open bent over je "
        "dilemma's: bespreek ze met collega's in het weekoverleg.",
    ),
    (
        "eerst-kijken-dan-plannen",
        "Eerst kijken, dan plannen",
        "Ga ter plekke kijken voordat je een plan afspreekt. Vraag wie er nog meer iets van "
        "vindt: spreekt de bewoner voor de hele straat?",
    ),
]


def demo_totp_key(email: str) -> str:
    """Return a fixed authenticator key (hex) for a demo account: the same on every run."""
    import hashlib

    return hashlib.sha256(f"dromen-doen-demo:{email}".encode()).hexdigest()[:40]


class Command(BaseCommand):
    help = "Create demo data for Heusden (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet-accounts", action="store_true", help="Do not print the accounts."
        )
        add_flag(parser)

    def handle(self, *args, **options):
        refuse_in_production(options)  # the demo accounts' credentials are public
        self._create(options)

    @transaction.atomic
    def _create(self, options):
        villages = {
            name: Neighbourhood.objects.get_or_create(slug=slugify(name), defaults={"name": name})[
                0
            ]
            for name in VILLAGES
        }
        themes = {
            name: Theme.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
            for name in THEMES
        }
        year = timezone.localdate().year
        Fund.objects.get_or_create(
            name="Dromenfonds", year=year, defaults={"amount": Decimal("150000")}
        )

        staff = [self._staff(email, name, role) for email, name, role in STAFF]
        enablers = staff[:2]
        resident, _ = User.objects.get_or_create(
            email=RESIDENT_EMAIL, defaults={"full_name": "Anna Bewoner", "phone": "06 12345678"}
        )
        others = [
            User.objects.get_or_create(email=email, defaults={"full_name": name})[0]
            for email, name in OTHER_RESIDENTS
        ]

        created = 0
        residents = [resident, *others]
        for index, (title, village, theme, status, days_ago, enabler, public, own) in enumerate(
            DREAMS
        ):
            owner = residents[index % len(residents)]
            if Dream.objects.filter(title=title, resident=owner).exists():
                continue
            self._dream(
                index=index,
                owner=owner,
                title=title,
                village=villages[village],
                theme=themes[theme],
                status=status,
                days_ago=days_ago,
                enabler=enablers[enabler] if enabler is not None else None,
                public=public,
                own=own,
            )
            created += 1

        self._funded_from_three_sources(one_face=staff[0])
        # The platform first: Vlijmen's fund then asks its advice before staff decide.
        self._platform(villages[PLATFORM["village"]], chair=resident)
        self._neighbourhood_fund(villages["Vlijmen"], year)
        self._dilemmas(manager=staff[3])
        self._paspoort_and_situations(staff)
        self._partners(one_face=enablers[0])
        self._address_register()
        self._stories()
        demo_assembly(by=enablers[0])  # after the register: it draws from Drunen's addresses
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new dreams)."))
        if not options["quiet_accounts"]:
            self._print_accounts()

    def _stories(self) -> None:
        """The residents who wanted their dream shown share it (issue 19), as they would on
        their dream's page: the realised ones become stories in the gallery, the others are
        in the open data. Their texts are written for publication: no names."""
        from initiatives import services

        wanted = (
            Dream.objects.filter(show_publicly=True, publication__isnull=True)
            .exclude(status=Status.UNCONFIRMED)
            .select_related("resident")
            .order_by("pk")
        )
        for dream in wanted:
            services.publication_consent(
                dream=dream,
                by=dream.resident,
                title=dream.title,
                dreamt=f"{dream.title}: dat wilden we graag, voor het hele dorp.",
                own_part="Wij doen het samen met de buren: aanleggen, bijhouden en iedereen uitnodigen.",
                helped_by="Onze MogelijkMaker van de gemeente en de buurtvereniging.",
            )

    def _address_register(self) -> None:
        """Load the villages' addresses from a generated BAG extract, as the real one is."""
        with tempfile.TemporaryDirectory() as folder:
            extract = write_demo_extract(Path(folder))
            call_command("bag_import", str(extract), "--neighbourhood-of-place", stdout=self.stdout)

    def _platform(self, village: Neighbourhood, *, chair: User) -> None:
        """Make the demo platform once: its chair and members, its agenda, shared dreams."""
        platform, created = Platform.objects.get_or_create(
            slug=PLATFORM["slug"],
            defaults={
                "name": PLATFORM["name"],
                "neighbourhood": village,
                "introduction": PLATFORM["introduction"],
            },
        )
        if not created:
            return
        today = timezone.localdate()
        joined = timezone.now() - timedelta(days=220)
        PlatformMember.objects.create(
            platform=platform, user=chair, role=PlatformMember.Role.CHAIR, joined_at=joined
        )
        for email in PLATFORM["members"]:
            PlatformMember.objects.create(
                platform=platform, user=User.objects.get(email=email), joined_at=joined
            )
        shared = Dream.objects.filter(neighbourhood=village, title__in=PLATFORM["shared"])
        shared.update(shared_with_platform=True)
        dreams = {dream.title: dream for dream in shared}
        for position, (title, description, days_ago, done_ago, serving) in enumerate(AGENDA):
            item = AgendaItem.objects.create(
                platform=platform,
                title=title,
                description=description,
                set_on=today - timedelta(days=days_ago),
                done_on=today - timedelta(days=done_ago) if done_ago is not None else None,
                position=position,
                written_by=chair,
            )
            item.dreams.add(*(dreams[t] for t in serving if t in dreams))

    def _partners(self, *, one_face: User) -> None:
        """Partner organisations of every kind (issue 17), the demo MogelijkMaker their one
        face; the housing corporation invited to one of her open dreams."""
        organisations = {
            name: Organisation.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "contact_name": contact,
                    "contact_email": email,
                    "contact_phone": phone,
                    "one_face": one_face,
                    "notes": notes,
                },
            )[0]
            for name, kind, contact, email, phone, notes in PARTNERS
        }
        housing = organisations["Woonstichting Heusden Thuis"]
        dream = (
            Dream.objects.filter(
                contact=one_face, status__in=[Status.IN_CONVERSATION, Status.IN_PROGRESS]
            )
            .order_by("id")
            .first()
        )
        if dream is None or PartnerInvitation.objects.filter(organisation=housing).exists():
            return
        now = timezone.now()
        token = secrets.token_urlsafe(32)
        PartnerInvitation.objects.create(
            dream=dream,
            organisation=housing,
            role=PartnerInvitation.Role.HELPER,
            email=housing.contact_email,
            message="Kunnen jullie meedenken over de plek en een paar uur helpen?",
            invited_by=one_face,
            token_hash=partner_token_hash(token),
            created_at=now,
            expires_at=now + timedelta(days=settings.PARTNER_LINK_DAYS),
        )
        TimelineEvent.objects.create(
            dream=dream,
            kind=EventKind.PARTNER_INVITED,
            public=True,
            actor=one_face,
            body=f"{housing.name} (woningcorporatie) helpt mee met je droom. Je MogelijkMaker "
            "heeft hen uitgenodigd.",
        )
        link = settings.SITE_URL + reverse("partners:page", args=[token])
        self.stdout.write(f"{housing.name} is invited to “{dream.title}”: {link}")

    def _staff(self, email: str, name: str, role: str) -> User:
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": name, "is_staff": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_superuser = role == Role.ADMINISTRATOR
            user.save()
        user.groups.add(Group.objects.get(name=role))
        # A known authenticator key, so a newcomer can sign in: see `manage.py demo_code`.
        TOTPDevice.objects.get_or_create(
            user=user, name="Demo", defaults={"key": demo_totp_key(email), "confirmed": True}
        )
        return user

    def _dream(
        self, *, index, owner, title, village, theme, status, days_ago, enabler, public, own
    ) -> None:
        now = timezone.now()
        start = now - timedelta(days=days_ago, hours=3)
        dream = Dream.objects.create(
            resident=owner,
            title=title,
            neighbourhood=village,
            theme=theme,
            story=(
                f"{title}: dat zou ons dorp mooier en gezelliger maken. "
                "Veel buren willen meedoen, maar we weten niet goed hoe we moeten beginnen."
            ),
            own_contribution=own,
            needs_from_municipality="Advies, hulp bij de vergunning en misschien een kleine bijdrage.",
            show_publicly=public,
            status=Status.UNCONFIRMED,
            created_at=start,
            contact_name=owner.full_name,
        )
        if status == Status.UNCONFIRMED:
            return
        events = [
            TimelineEvent(
                dream=dream,
                kind=EventKind.SUBMITTED,
                public=True,
                actor=owner,
                to_status=Status.SUBMITTED,
                created_at=start,
            )
        ]
        path = PATHS[status]
        if status == Status.WITHDRAWN and enabler:
            path = [Status.PICKED_UP, Status.WITHDRAWN]
        span = max(days_ago, 1)
        step = timedelta(days=span / (len(path) + 1))
        previous = Status.SUBMITTED
        when = start
        fields = {"submitted_at": start}
        for target in path:
            when = when + step
            actor = owner if target == Status.WITHDRAWN else enabler
            events.append(
                TimelineEvent(
                    dream=dream,
                    kind=EventKind.STATUS_CHANGED,
                    public=True,
                    actor=actor,
                    from_status=previous,
                    to_status=target,
                    body=STEP_TEXT[target],
                    created_at=when,
                )
            )
            if target == Status.PICKED_UP:
                fields["picked_up_at"] = when
            if target == Status.IN_CONVERSATION:
                fields["first_contact_at"] = when
            previous = target
        if enabler:
            events.append(
                TimelineEvent(
                    dream=dream,
                    kind=EventKind.NOTE,
                    public=False,
                    actor=enabler,
                    created_at=when,
                    body="Interne notitie: eerst de buren en de wijkagent spreken.",
                )
            )
        TimelineEvent.objects.bulk_create(events)
        fields.update(
            status=status,
            contact=enabler,
            last_public_update_at=max(e.created_at for e in events if e.public),
            closed_at=when
            if status in (Status.REALISED, Status.NOT_POSSIBLE, Status.WITHDRAWN)
            else None,
        )
        Dream.objects.filter(pk=dream.pk).update(**fields)
        if enabler:
            self._staff_work(dream=dream, status=status, enabler=enabler, when=when, index=index)

    def _staff_work(self, *, dream, status, enabler, when, index) -> None:
        """Add what a MogelijkMaker's work leaves behind: contact, review, grant, decision."""
        if status in (Status.SUBMITTED, Status.PICKED_UP, Status.WITHDRAWN):
            return
        ContactMoment.objects.create(
            dream=dream,
            kind=ContactMoment.Kind.VISIT,
            date=timezone.localdate(when),
            summary="Op locatie gekeken met de bewoner en twee buren.",
            by=enabler,
        )
        PracticeNote.objects.create(
            dream=dream,
            practice=WorkingPractice.MAPPING,
            done=True,
            updated_by=enabler,
            note="Gesproken met de wijkagent en de groenbeheerder.",
        )
        if status == Status.IN_CONVERSATION and index % 2:
            return  # not every conversation has reached a review yet
        tension = index % 3 == 0
        Review.objects.create(
            dream=dream,
            version=1,
            is_current=True,
            by=enabler,
            has_tension=tension,
            customer_verdict=Verdict.SUPPORTS,
            customer_reasoning="De vraag achter de vraag: buren willen elkaar vaker zien.",
            responsibility_verdict=Verdict.TENSION if tension else Verdict.SUPPORTS,
            responsibility_reasoning=(
                "Wie onderhoudt het na de zomer? Dat is nog niet afgesproken."
                if tension
                else "De bewoners nemen het onderhoud op zich."
            ),
            dialogue_verdict=Verdict.SUPPORTS,
            dialogue_reasoning="Samen met buurtvereniging en groenbeheer besproken.",
            dilemma="Eigenaarschap bij bewoners of toch onderhoud door de gemeente?"
            if tension
            else "",
            discussed_with="Teamleider en collega MogelijkMaker" if tension else "",
        )
        fund = Fund.objects.get(name="Dromenfonds", year=timezone.localdate().year)
        if status in (Status.IN_PROGRESS, Status.REALISED):
            amount = Decimal(500 + 250 * (index % 5))
            Grant.objects.create(
                dream=dream,
                fund=fund,
                amount=amount,
                purpose="Materiaal en een buurtbijeenkomst",
                state=Grant.State.GRANTED,
                requested_by=enabler,
                decided_by=enabler,
                decided_at=when,
            )
            Fund.objects.filter(pk=fund.pk).update(committed=F("committed") + amount)
        if status == Status.IN_PROGRESS and index % 2 == 0:
            amount = Decimal("4000")
            Grant.objects.create(
                dream=dream,
                fund=fund,
                amount=amount,
                purpose="Aanleg door een hovenier",
                state=Grant.State.AWAITING_APPROVAL,
                requested_by=enabler,
            )
            Fund.objects.filter(pk=fund.pk).update(committed=F("committed") + amount)
        if status == Status.NOT_POSSIBLE:
            comms = User.objects.get(email=STAFF[2][0])
            Decision.objects.create(
                dream=dream,
                reasons="Past niet binnen de regels voor openbare ruimte.",
                proposed_by=enabler,
                state=Decision.State.SIGNED,
                signed_by=comms,
                signed_at=when,
                letter=LETTER,
            )
            TimelineEvent.objects.create(
                dream=dream,
                kind=EventKind.DECISION_LETTER,
                public=True,
                actor=comms,
                created_at=when,
                body=f"{LETTER}\n\n{comms.full_name}\nCommunicatieadviseur",
            )
        if status == Status.IN_CONVERSATION and dream.title.startswith("Wandelroute"):
            Decision.objects.create(
                dream=dream,
                proposed_by=enabler,
                reasons="De route loopt over privégrond van drie eigenaren die niet willen meewerken.",
            )

    def _dilemmas(self, *, manager: User) -> None:
        """Issue 17, once: an exception still to discuss on a dream in progress, and a
        dilemma on another dream that the managers discussed (no new rule)."""
        from initiatives.dilemma_models import Dilemma

        dreams = list(
            Dream.objects.filter(
                status__in=[Status.IN_PROGRESS, Status.IN_CONVERSATION], contact__isnull=False
            ).order_by("status", "pk")[:2]
        )
        if len(dreams) < 2:
            return
        now = timezone.now()
        records = [
            (
                dreams[0],
                {
                    "kind": Dilemma.Kind.EXCEPTION,
                    "summary": "Het hele budget vooraf overgemaakt aan de buurtvereniging",
                    "rule": "Budget wordt betaald na de bonnetjes",
                    "why": "De vereniging kan de hovenier niet voorschieten; zonder geld "
                    "vooraf komt de droom er niet.",
                    "agreed_with": "Teamleider Sociaal Domein",
                    "created_at": now - timedelta(days=3),
                },
                None,
            ),
            (
                dreams[1],
                {
                    "kind": Dilemma.Kind.DILEMMA,
                    "summary": "Spreekt de bewoner voor de hele straat?",
                    "why": "Twee buren willen het niet, de rest wel. Wegen we de stemmen, of "
                    "zoeken we eerst samen een plek die voor iedereen werkt?",
                    "agreed_with": "Collega MogelijkMaker",
                    "created_at": now - timedelta(days=10),
                },
                "Eerst samen een plek zoeken; geen nieuwe regel nodig.",
            ),
        ]
        for dream, values, note in records:
            item, created = Dilemma.objects.get_or_create(
                dream=dream,
                summary=values["summary"],
                defaults={**values, "recorded_by": dream.contact},
            )
            if not created:
                continue
            TimelineEvent.objects.create(
                dream=dream,
                kind=EventKind.DILEMMA,
                public=False,
                actor=dream.contact,
                created_at=item.created_at,
                body=item.summary,
            )
            if note:
                item.outcome = Dilemma.Outcome.NO_NEW_RULE
                item.outcome_note = note
                item.discussed_by = manager
                item.discussed_at = now - timedelta(days=6)
                item.save()
                TimelineEvent.objects.create(
                    dream=dream,
                    kind=EventKind.DILEMMA_DISCUSSED,
                    public=False,
                    actor=manager,
                    created_at=item.discussed_at,
                    body=f"{item.get_outcome_display()}: {item.summary}\n{note}",
                )

    def _paspoort_and_situations(self, staff: list[User]) -> None:
        """The paspoort, written by the administrator, and the situation mapped on two dreams
        in progress: one seen on location before its plan, one not (issue 17)."""
        administrator = next(user for user in staff if user.is_superuser)
        for position, (key, title, text) in enumerate(PASPOORT, start=1):
            PaspoortPart.objects.get_or_create(
                key=key,
                version=1,
                defaults={
                    "title": title,
                    "text": text,
                    "position": position * 10,
                    "written_by": administrator,
                },
            )
        owner = PaspoortPart.objects.filter(key="de-bewoner-is-eigenaar", is_current=True).first()
        if SituationMap.objects.exists():
            return
        dreams = Dream.objects.filter(status=Status.IN_PROGRESS, contact__isnull=False).order_by(
            "pk"
        )[:2]
        for number, dream in enumerate(dreams):
            agreed = dream.events.filter(to_status=Status.IN_PROGRESS).order_by("created_at")
            first = agreed.first()
            day = timezone.localdate(first.created_at if first else timezone.now())
            SituationMap.objects.create(
                dream=dream,
                question_behind=(
                    "Achter de vraag om een bankje: buren willen elkaar vaker zien, ook de "
                    "ouderen die weinig buiten komen."
                    if number == 0
                    else "Eigenlijk zoekt de bewoner hulp om de straat samen te organiseren."
                ),
                speaks_for=(
                    SituationMap.SpeaksFor.STREET if number == 0 else SituationMap.SpeaksFor.GROUP
                ),
                other_views=(
                    "Twee buren zijn bang voor overlast 's avonds." if number == 0 else ""
                ),
                views_heard_by="De MogelijkMaker, bij de buren thuis" if number == 0 else "",
                seen_on_location_on=day - timedelta(days=3) if number == 0 else None,
                updated_by=dream.contact,
            )
            if number == 0 and owner is not None:
                dream.reviews.filter(is_current=True).update(customer_cites=owner)

    def _funded_from_three_sources(self, *, one_face: User) -> None:
        """One dream's plan covered from three sources (issue 17): a grant from the
        Dromenfonds, money and a caretaker's hours from the housing corporation, materials
        from the builders' merchant, and the residents' own hours; some hours still open.
        Made through the services, once; the partners are shared with the partner demo."""
        from initiatives import services

        dream = Dream.objects.filter(
            title="Moestuin voor de hele straat", status=Status.IN_PROGRESS
        ).first()
        if dream is None or dream.contact is None or PlanNeed.objects.filter(dream=dream).exists():
            return
        by = dream.contact
        corporation, _ = Organisation.objects.get_or_create(
            name="Woonstichting Heusden Thuis",
            defaults={
                "kind": Organisation.Kind.HOUSING,
                "contact_name": "Marieke de Wit",
                "contact_email": "m.dewit@heusdenthuis.example",
                "contact_phone": "073 511 22 33",
                "one_face": one_face,
                "notes": "Groen bij de flats, een huismeester die meehelpt, een wijkbudget.",
            },
        )
        shop, _ = Organisation.objects.get_or_create(
            name="Bouwmarkt Van Dijk",
            defaults={
                "kind": Organisation.Kind.BUSINESS,
                "contact_name": "Kees van Dijk",
                "contact_email": "kees@bouwmarktvandijk.example",
                "one_face": one_face,
                "notes": "Hout, verf en gereedschap voor buurtprojecten.",
            },
        )
        grant = dream.grants.filter(state=Grant.State.GRANTED).first()
        if grant is None:
            grant = services.grant_create(
                dream=dream,
                by=by,
                fund=Fund.objects.get(name="Dromenfonds", year=timezone.localdate().year),
                amount=Decimal(750),
                purpose="Plantenbakken en zaaigoed",
            )
        boxes = services.plan_need_add(
            dream=dream,
            by=by,
            description="Plantenbakken, tuinaarde en zaaigoed",
            kind="money",
            amount=grant.amount + 600,
        )
        wood = services.plan_need_add(
            dream=dream,
            by=by,
            description="Steigerhout en gereedschap",
            kind="materials",
            amount=Decimal(350),
        )
        hours = services.plan_need_add(
            dream=dream,
            by=by,
            description="Aanleggen en het eerste seizoen bijhouden",
            kind="hours",
            hours=Decimal(80),
        )
        for values in (
            {"source": "fund", "grant_id": grant.pk, "need_id": boxes.pk},
            {
                "source": "partner",
                "organisation_id": corporation.pk,
                "kind": "money",
                "amount": Decimal(600),
                "description": "Uit het wijkbudget: de bakken staan bij onze flats",
                "need_id": boxes.pk,
            },
            {
                "source": "partner",
                "organisation_id": shop.pk,
                "kind": "materials",
                "amount": Decimal(350),
                "description": "Steigerhout voor zes bakken, schoppen en een kruiwagen",
                "need_id": wood.pk,
            },
            {
                "source": "residents",
                "kind": "hours",
                "hours": Decimal(60),
                "description": "Twaalf buren, elk vijf uur",
                "need_id": hours.pk,
            },
            {
                "source": "partner",
                "organisation_id": corporation.pk,
                "kind": "hours",
                "hours": Decimal(8),
                "description": "De huismeester helpt op de aanlegzaterdag",
                "need_id": hours.pk,
            },
        ):
            services.contribution_record(dream=dream, by=by, **values)

    def _neighbourhood_fund(self, village: Neighbourhood, year: int) -> None:
        """Vlijmen's own fund, mid-year: open for applications, with criteria, two
        applications decided (one in part) and one waiting (issue 16)."""
        advice = Platform.objects.filter(neighbourhood=village).exists()
        fund, created = Fund.objects.get_or_create(
            name=NEIGHBOURHOOD_FUND,
            year=year,
            defaults={
                "amount": Decimal("20000"),
                "neighbourhood": village,
                "description": (
                    "Voor plannen van bewoners en organisaties die Vlijmen mooier, groener of"
                    " gezelliger maken, en die er zonder dit geld niet zouden komen."
                ),
                "criteria": "\n".join(NEIGHBOURHOOD_FUND_CRITERIA),
                "max_per_application": Decimal("2500"),
                # The platform advises when Vlijmen has one; else staff decide alone.
                "decider": Fund.Decider.STAFF_AFTER_ADVICE if advice else Fund.Decider.STAFF,
                "open_for_applications": True,
            },
        )
        if not created:
            return
        now = timezone.now()
        granted_total = Decimal(0)
        for title, organisation, lines, granted, handed_in, decided in NEIGHBOURHOOD_APPLICATIONS:
            dream = Dream.objects.filter(title=title, neighbourhood=village).first()
            if dream is None:
                continue
            requested = sum((amount for _line, amount in lines), Decimal(0))
            if granted is None:
                state = Application.State.SUBMITTED
            elif granted < requested:
                state = Application.State.PARTLY_GRANTED
            else:
                state = Application.State.GRANTED
            application = Application.objects.create(
                dream=dream,
                fund=fund,
                applicant=(
                    Application.Applicant.ORGANISATION
                    if organisation
                    else Application.Applicant.RESIDENT
                ),
                organisation_name=organisation,
                organisation_kind=Application.OrganisationKind.ASSOCIATION if organisation else "",
                kvk_number="40123456" if organisation else "",
                contact_person=dream.resident.full_name if organisation else "",
                signatory="Joke van der Heijden" if organisation else "",
                signatory_role="Voorzitter" if organisation else "",
                own_money=Decimal("250"),
                own_hours=40,
                requested=requested,
                state=state,
                submitted_by=dream.resident,
                submitted_at=now - timedelta(days=handed_in),
                decided_at=None if decided is None else now - timedelta(days=decided),
                decided_by=None if granted is None else User.objects.get(email=STAFF[0][0]),
                decision_reasons="" if granted is None else "Past goed binnen de criteria.",
                granted=granted,
                not_funded=(
                    "De huur van het podium betaalt het fonds niet: daar is een sponsor voor."
                    if state == Application.State.PARTLY_GRANTED
                    else ""
                ),
            )
            left, budget = granted, []
            for n, (line, amount) in enumerate(lines):
                line_granted = None if left is None else min(amount, left)
                left = None if left is None else left - line_granted
                budget.append(
                    BudgetLine(
                        application=application,
                        position=n,
                        description=line,
                        amount=amount,
                        granted=line_granted,
                    )
                )
            BudgetLine.objects.bulk_create(budget)
            CriterionAnswer.objects.bulk_create(
                CriterionAnswer(
                    application=application,
                    position=n,
                    criterion=criterion,
                    answer="Ja: de buren doen mee en hebben het plan samen gemaakt.",
                )
                for n, criterion in enumerate(NEIGHBOURHOOD_FUND_CRITERIA)
            )
            if granted is not None:  # as services.application_decide does: the grant with it
                Grant.objects.create(
                    dream=dream,
                    fund=fund,
                    amount=granted,
                    purpose=f"Aanvraag {fund.name}"[:300],
                    state=Grant.State.GRANTED,
                    requested_by=application.decided_by,
                    decided_by=application.decided_by,
                    created_at=application.decided_at,
                    decided_at=application.decided_at,
                )
            granted_total += granted or 0
        Fund.objects.filter(pk=fund.pk).update(committed=F("committed") + granted_total)

    def _print_accounts(self) -> None:
        self.stdout.write("")
        self.stdout.write("Demo accounts")
        self.stdout.write("-------------")
        self.stdout.write(f"  Resident        {RESIDENT_EMAIL}")
        self.stdout.write(
            "                  sign in at /inloggen/ and open the link in /dev/mailbox/"
        )
        labels = {
            Role.ENABLER: "MogelijkMaker",
            Role.COMMUNICATIONS: "Communications",
            Role.MANAGER: "Manager",
            Role.ADMINISTRATOR: "Administrator",
        }
        for email, _name, role in STAFF:
            self.stdout.write(f"  {labels[role]:<15} {email}  password: {DEMO_PASSWORD}")
        self.stdout.write(
            "  Staff sign in at /medewerkers/inloggen/ with the password, then a code"
        )
        self.stdout.write(
            "  from an authenticator app. Get the current code of a demo account with:"
        )
        self.stdout.write(
            "      .venv/bin/python manage.py demo_code sanne.devries@heusden.example"
        )
        self.stdout.write("  The administrator also manages the portal at /beheer/.")
        self.stdout.write(
            f"  The resident chairs {PLATFORM['name']}: /wijken/{PLATFORM['slug']}/agenda/"
        )
        self.stdout.write("")
