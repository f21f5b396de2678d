"""Hostile input at every form and endpoint: never a server error, and nothing stored half.

Hypothesis throws random unicode, very long strings, NUL bytes, HTML and script, SQL-ish
text, numbers where text belongs and text where numbers belong, huge numbers, repeated and
missing fields, raw bodies that are not UTF-8 or not a form at all, and files with random
bytes and misleading names at the resident forms, the staff sign-in and code forms, every
POST of the staff's dream workspace, the dream list's filters, the decision letter and the
weekly report's ?week=.

Each request must answer below 500 without raising. A refused submission (any answer but
the redirect that follows success) must leave the database and the stored files exactly as
they were. The examples are derandomized, so CI runs the same ones every time; set
HOSTILE_RANDOM=1 (and HOSTILE_EXAMPLES=500) to go looking for new ones.
"""

import os
import struct
import zlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.roles import Role
from initiatives import services
from initiatives.models import (
    ContactMoment,
    CoreValue,
    Decision,
    DreamPhoto,
    Verdict,
    WorkingPractice,
)
from initiatives.statuses import Status
from initiatives.tokens import dream_link_token_make, unsubscribe_token_make
from tests.conftest import image_bytes
from tests.factories import DreamFactory, FundFactory, StaffFactory, UserFactory
from tests.staff.conftest import review_verdicts

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "12"))
HOSTILE = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree
    derandomize=not os.environ.get("HOSTILE_RANDOM"),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the fixtures' state is shared on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
FEW = hypothesis_settings(HOSTILE, max_examples=max(3, EXAMPLES // 4))  # the slow PDF
PASSWORD = "correct-horse-battery"  # StaffFactory's

TALLY = {"inputs": 0, "server_errors": 0, "endpoints": set()}


@pytest.fixture(scope="module", autouse=True)
def _figures(request):
    yield
    if not TALLY["inputs"]:
        return
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(
            f"\nhostile inputs: {TALLY['inputs']} tried over {len(TALLY['endpoints'])} endpoints,"
            f" {TALLY['server_errors']} server errors"
        )


@pytest.fixture(autouse=True)
def _room_to_try(settings):
    """Rate limits and lockouts are tested on their own; here they would stop the input."""
    for name in ("RATELIMIT_SIGN_IN_PER_IP", "RATELIMIT_SIGN_IN_PER_ADDRESS"):
        setattr(settings, name, "100000/h")
    settings.RATELIMIT_DREAM_PER_IP = "100000/h"
    settings.AXES_FAILURE_LIMIT = 100_000
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- what is thrown ----------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\n" * 40,
    "\t\x0b\x0c",
    "\u202e\u200b\ufeff",
    "\U0001d56f\U0001d597\U0001d594\U0001d594\U0001d592 👩\u200d👩\u200d👧 İß",  # fraktur, ZWJ
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ request.user.password }}",
    "{% debug %}",
    "%s%s%s%n %(title)s {0} ${7*7}",
    "' OR '1'='1",
    "1; DROP TABLE accounts_user; --",
    "' UNION SELECT password FROM accounts_user --",
    "\\",
    "%",
    "_",
    "0",
    "-1",
    "1.5",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "9" * 400,
    str(2**63),
    str(-(2**63) - 1),
    "true",
    "null",
    "[]",
    "{}",
    "0x41",
    "\uff12\uff10\uff12\uff16-\uff10\uff11-\uff10\uff15",  # a date in full-width digits
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "../../../../etc/passwd",
    "http://evil.example/",
    "//evil.example/",
    "@",
    "a@b",
    "x" * 300 + "@example.nl",
]

unicode_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
long_text = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["a", "€", "\U0001d56f", "<b>", "\x00", "é "]),
    st.integers(min_value=2_000, max_value=30_000),
)
numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
hostile_text = st.one_of(
    st.sampled_from(NASTY),
    unicode_text,
    long_text,
    numbers,
    st.builds(lambda a, b: a + b, st.sampled_from(NASTY), unicode_text),
)
# A field sent several times: forms get a list where they expect one value.
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))
hostile_key = st.one_of(st.sampled_from(["csrfmiddlewaretoken", "next", "pk", "id"]), unicode_text)


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _png_header(width: int, height: int, pixels: bytes = b"") -> bytes:
    """A PNG whose header claims WIDTH by HEIGHT, with (usually far too few) PIXELS."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(pixels))
        + _chunk(b"IEND", b"")
    )


JPEG, PNG = image_bytes("JPEG"), image_bytes("PNG")
NASTY_FILES = {
    "empty": b"",
    "cut-off JPEG": JPEG[: len(JPEG) // 2],
    "JPEG header, garbage after it": JPEG[:200] + b"\x00" * 400,
    "PNG without pixels": _png_header(1, 1),
    "PNG with too few pixels": _png_header(100, 100, b"\x00" * 10),
    "decompression bomb": _png_header(20_000, 20_000),
    "PNG of 0 by 0": _png_header(0, 0),
    "GIF": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    "SVG with script": b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    "JPEG with PHP after it": JPEG + b"<?php system($_GET['c']); ?>",
    "HTML": b"<html><script>alert(1)</script></html>",
}
file_contents = st.one_of(
    st.binary(max_size=3000),
    st.sampled_from([JPEG, PNG, *NASTY_FILES.values()]),
    st.builds(lambda head, tail: head + tail, st.sampled_from([JPEG[:20], PNG[:16]]), st.binary()),
)
file_names = st.one_of(
    st.sampled_from(
        [
            "foto.jpg",
            "foto.png",
            "foto.jpg.exe",
            "foto.php.jpg",
            "../../../etc/passwd",
            "..\\..\\boot.ini",
            "<script>alert(1)</script>.png",
            "a\x00.jpg",
            "." * 10,
            "x" * 500 + ".jpg",
            "факт 📸.jpeg",
            "",
        ]
    ),
    unicode_text.map(lambda name: name + ".jpg"),
)
content_types = st.sampled_from(
    ["image/jpeg", "image/png", "text/html", "application/x-php", "image/svg+xml", "", "x/y"]
)


@st.composite
def uploads(draw) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        draw(file_names) or "x", draw(file_contents), draw(content_types) or "image/jpeg"
    )


@st.composite
def form_data(draw, fields: dict[str, list], *, files: tuple[str, ...] = ()) -> dict:
    """A form's fields: all plausible, all plausible but one, or anything with some missing.

    FIELDS maps each field name to plausible values; text fields take any text, so in the
    first two modes HTML, SQL and unicode in them are stored and shown again.
    """
    mode = draw(st.sampled_from(["plausible", "one wrong", "anything"]))
    wrong = draw(st.sampled_from(sorted(fields))) if mode == "one wrong" and fields else None
    data: dict = {}
    for name, plausible in fields.items():
        if mode == "anything":
            if draw(st.booleans()):  # otherwise the field is missing
                data[name] = draw(hostile_value)
        elif name == wrong or not plausible:
            data[name] = draw(hostile_value)
        else:
            data[name] = draw(st.sampled_from(plausible))
    for name in files:
        if draw(st.booleans()):
            data[name] = draw(st.lists(uploads(), max_size=6))
    for key, value in draw(st.dictionaries(hostile_key, hostile_value, max_size=2)).items():
        data.setdefault(key, value)
    return data


@st.composite
def bodies(draw, fields: dict[str, list], *, files: tuple[str, ...] = ()) -> dict:
    """How the request is sent: a normal form, or a raw body a browser would never send."""
    kind = draw(st.sampled_from(["form", "form", "form", "raw form", "json", "garbage"]))
    if kind == "form":
        return {"data": draw(form_data(fields, files=files))}
    if kind == "raw form":  # percent-encoded bytes that need not be UTF-8
        pairs = draw(
            st.lists(
                st.tuples(st.sampled_from([*fields, "x"]), st.binary(max_size=200)), max_size=6
            )
        )
        return {
            "raw": urlencode(pairs).encode(),
            "content_type": "application/x-www-form-urlencoded",
        }
    if kind == "json":
        return {"raw": b'{"title": [1, 2], "email": null}', "content_type": "application/json"}
    return {
        "raw": draw(st.binary(max_size=2000)),
        "content_type": draw(
            st.sampled_from(
                [
                    "multipart/form-data; boundary=xyz",
                    "multipart/form-data",
                    "application/x-www-form-urlencoded; charset=utf-16",
                    "text/plain",
                ]
            )
        ),
    }


def text_field(*extra: str) -> list[str]:
    return ["Een bankje bij de vijver.", *extra]


# --- sending and checking ----------------------------------------------------------------------

# What holds submitted data. The staff audit log records every try on purpose, refused or
# not; weekly reports are built when first read; axes counts failed sign-ins.
NOT_COMPARED = {"initiatives.AuditEntry", "initiatives.WeeklyReport", "initiatives.RetentionLog"}
COUNTED_ONLY = {"otp_totp.TOTPDevice"}  # a wrong code updates the device's throttling


def snapshot() -> dict:
    state: dict = {}
    for label in ("accounts", "initiatives", "otp_totp"):
        for model in apps.get_app_config(label).get_models():
            name = model._meta.label
            if name in NOT_COMPARED:
                continue
            rows = model.objects.order_by("pk")
            state[name] = rows.count() if name in COUNTED_ONLY else list(rows.values_list())
    media = Path(django_settings.MEDIA_ROOT)
    state["files"] = sorted(str(p) for p in media.rglob("*") if p.is_file())
    return state


def send(
    client: Client,
    endpoint: str,
    url: str,
    method: str = "post",
    *,
    htmx: bool = False,
    compare: bool = True,
    **kwargs,
):
    """Send one hostile request; it must be answered, below 500, and a refusal stores nothing."""
    TALLY["inputs"] += 1
    TALLY["endpoints"].add(endpoint)
    before = snapshot() if method == "post" and compare and not htmx else None
    headers = {"HX-Request": "true"} if htmx else {}
    try:
        if "raw" in kwargs:  # the bytes as they are, whatever charset the header claims
            raw = kwargs.pop("raw")
            response = client.generic(method.upper(), url, raw, headers=headers, **kwargs)
        else:
            response = getattr(client, method)(url, headers=headers, **kwargs)
    except Exception:
        TALLY["server_errors"] += 1
        raise
    if response.status_code >= 500:
        TALLY["server_errors"] += 1
    assert response.status_code < 500, f"{method.upper()} {url}: {response.status_code}"
    if before is not None and response.status_code != 302:
        assert snapshot() == before, f"a refused {endpoint} ({response.status_code}) stored data"
    return response


def staff(role: str | None, **kwargs):
    return StaffFactory(roles=[role] if role else [], **kwargs)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)  # staff also get their second factor (tests/conftest.py)
    return client


def client_of(world, who: str) -> Client:
    """The signed-in client of WHO in WORLD: made once per test, not once per example."""
    clients = world.setdefault("clients", {})
    if who not in clients:
        clients[who] = signed_in(world[who])
    return clients[who]


@pytest.fixture
def world(neighbourhood, theme):
    resident = UserFactory(email="hostile@example.nl")
    enabler = staff(Role.ENABLER, email="mm@heusden.example")
    colleague = staff(Role.ENABLER, email="mm2@heusden.example")
    comms = staff(Role.COMMUNICATIONS, email="comms@heusden.example")
    manager = staff(Role.MANAGER, email="manager@heusden.example")
    fund = FundFactory(amount=100_000)
    dream = DreamFactory(resident=resident, neighbourhood=neighbourhood, theme=theme)
    services.dream_pick_up(dream=dream, by=enabler)
    services.service_promises_ensure()  # the settings row, as migrate makes it
    return {
        "resident": resident,
        "enabler": enabler,
        "colleague": colleague,
        "comms": comms,
        "manager": manager,
        "fund": fund,
        "dream": dream,
        "neighbourhood": neighbourhood,
        "theme": theme,
    }


def dream_fields(world, *, signed_in_as_resident: bool) -> dict[str, list]:
    fields = {
        "title": text_field(),
        "story": text_field(),
        "own_contribution": text_field(),
        "needs_from_municipality": text_field(),
        "neighbourhood": [str(world["neighbourhood"].pk)],
        "theme": [str(world["theme"].pk)],
        "location": text_field(""),
        "show_publicly": ["on", ""],
        "contact_name": text_field(""),
        "contact_phone": ["06 12345678", "+31 (0)6-1234 5678", ""],
    }
    if not signed_in_as_resident:
        fields["email"] = ["nieuw@example.nl", "hostile@example.nl", "MOD@Example.NL"]
    return fields


# --- the resident side -------------------------------------------------------------------------


@HOSTILE
@given(data=st.data())
def test_resident_sign_in_form(world, data):
    body = data.draw(bodies({"email": ["hostile@example.nl", "nieuw@example.nl"], "next": []}))
    query = data.draw(st.sampled_from(["", "?next=" + quote(data.draw(hostile_text))]))
    send(Client(), "resident sign-in", "/inloggen/" + query, **body)


@HOSTILE
@given(data=st.data())
def test_sign_in_link_and_unsubscribe_link(world, data):
    sesame, next_url, token = (data.draw(hostile_text) for _ in range(3))
    client = Client()
    send(
        client, "sign-in link", "/inloggen/link/", "get", data={"sesame": sesame, "next": next_url}
    )
    if token.strip("/"):
        url = "/afmelden/" + quote(token, safe="") + "/"
        send(client, "unsubscribe link", url, "get")
        send(client, "unsubscribe link", url, **data.draw(bodies({})))
    good = "/afmelden/" + unsubscribe_token_make(world["resident"]) + "/"
    send(client, "unsubscribe link", good, compare=False, **data.draw(bodies({})))


@HOSTILE
@given(data=st.data())
def test_dream_link_and_its_message_form(world, data):
    """A status mail's link (issue 14): any token, any body; a good token with hostile text."""
    token = data.draw(hostile_text)
    client = Client()
    if token.strip("/"):
        send(client, "dream link", "/droom/" + quote(token, safe="") + "/", "get")
    send(
        client,
        "dream link message",
        "/droom/bericht/",
        **data.draw(bodies({"token": [], "body": []})),
    )
    good = dream_link_token_make(world["dream"])
    send(client, "dream link", f"/droom/{good}/", "get")
    body = data.draw(bodies({"token": [good], "body": ["Dinsdag kan ik ook."]}))
    send(client, "dream link message", "/droom/bericht/", compare=False, **body)


@HOSTILE
@given(data=st.data())
def test_dream_form_anonymous(world, data):
    body = data.draw(bodies(dream_fields(world, signed_in_as_resident=False), files=("photos",)))
    send(Client(), "dream form (anonymous)", "/dromen/nieuw/", **body)


@HOSTILE
@given(data=st.data())
def test_dream_form_signed_in(world, data):
    client = client_of(world, "resident")
    body = data.draw(bodies(dream_fields(world, signed_in_as_resident=True), files=("photos",)))
    response = send(client, "dream form (signed in)", "/dromen/nieuw/", **body)
    if response.status_code == 302:  # stored: its pages show the hostile text without error
        for dream in world["resident"].dreams.all():
            page = client.get(f"/mijn-dromen/{dream.pk}/")
            assert page.status_code == 200
            for photo in dream.photos.all():
                url = f"/mijn-dromen/{dream.pk}/fotos/{photo.pk}/"
                assert client.get(url).status_code == 200
        assert client.get("/mijn-dromen/").status_code == 200


@pytest.mark.parametrize("kind", sorted(NASTY_FILES))
def test_dream_form_with_each_misleading_file(world, kind):
    """Every crafted file, named as a photo, in a form that is right in every other way."""
    data = {
        name: plausible[0]
        for name, plausible in dream_fields(world, signed_in_as_resident=False).items()
    }
    for name, content_type in (("foto.jpg", "image/jpeg"), ("foto.png", "image/png")):
        upload = SimpleUploadedFile(name, NASTY_FILES[kind], content_type)
        response = send(
            Client(), "dream form (anonymous)", "/dromen/nieuw/", data={**data, "photos": [upload]}
        )
        if kind == "JPEG with PHP after it":  # a real photo: stored re-encoded, without the tail
            assert response.status_code == 302
            stored = DreamPhoto.objects.order_by("-pk").first()
            assert b"<?php" not in stored.image.read()
        else:
            assert response.status_code == 200  # the form again, saying what is wrong
            assert name in response.content.decode()


def test_cut_off_photos_are_refused_even_after_weasyprint_was_imported():
    import weasyprint  # noqa: F401 - sets PIL.ImageFile.LOAD_TRUNCATED_IMAGES for the process

    from initiatives.photos import photo_check

    for kind in ("PNG without pixels", "PNG with too few pixels", "JPEG header, garbage after it"):
        with pytest.raises(ValidationError):
            photo_check(SimpleUploadedFile("foto.png", NASTY_FILES[kind], "image/png"))


@HOSTILE
@given(data=st.data())
def test_resident_message_and_withdraw_forms(world, data):
    client = client_of(world, "resident")
    dream = world["dream"]
    pk = data.draw(st.one_of(st.just(dream.pk), st.integers(min_value=0, max_value=10**30)))
    htmx = data.draw(st.booleans())
    message = data.draw(bodies({"body": text_field()}))
    send(client, "resident message", f"/mijn-dromen/{pk}/bericht/", htmx=htmx, **message)
    withdraw = data.draw(bodies({"reason": text_field()}))
    send(client, "resident withdraw", f"/mijn-dromen/{pk}/intrekken/", htmx=htmx, **withdraw)
    assert client.get(f"/mijn-dromen/{dream.pk}/").status_code == 200


@HOSTILE
@given(data=st.data())
def test_notification_preferences_and_erase_forms(world, data):
    client = client_of(world, "resident")
    body = data.draw(bodies({"mode": ["immediate", "daily", "essential"]}))
    send(client, "notification preferences", "/mijn-gegevens/meldingen/", **body)
    # Erasing succeeds with any ticked box: a fresh resident each time.
    resident = UserFactory()
    DreamFactory(resident=resident, neighbourhood=world["neighbourhood"], theme=world["theme"])
    body = data.draw(bodies({"confirm": ["on", ""]}))
    send(signed_in(resident), "erase my account", "/mijn-gegevens/verwijderen/", **body)


# --- staff sign-in ------------------------------------------------------------------------------


@HOSTILE
@given(data=st.data())
def test_staff_sign_in_form(world, data):
    fields = {
        "username": [world["enabler"].email, world["enabler"].email.upper(), "niemand@x.nl"],
        "password": [PASSWORD, "wrong-password"],
        "next": ["/medewerkers/dromen/", "https://evil.example/"],
    }
    forwarded = data.draw(st.one_of(st.none(), hostile_text))
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    send(Client(), "staff sign-in", "/medewerkers/inloggen/", **data.draw(bodies(fields)), **extra)


@pytest.mark.parametrize("length", [255, 16_667, 100_000])
def test_staff_sign_in_with_a_very_long_address(world, length):
    response = send(
        Client(),
        "staff sign-in",
        "/medewerkers/inloggen/",
        data={"username": "€" * length, "password": PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["username"]


@pytest.fixture
def password_only(world) -> Client:
    """A staff member who gave the right password, not yet the code."""
    TOTPDevice.objects.create(user=world["enabler"], name="app", confirmed=True)
    client = Client()
    client.force_login(world["enabler"])
    session = client.session
    session.pop(DEVICE_ID_SESSION_KEY, None)
    session.save()
    assert client.get("/medewerkers/")["Location"].startswith("/medewerkers/inloggen/code/")
    return client


@HOSTILE
@given(data=st.data())
def test_staff_code_forms(world, password_only, data):
    fields = {"code": ["123456", "000000", "12 34 56"], "next": ["/medewerkers/dromen/"]}
    query = "?next=" + quote(data.draw(hostile_text))
    send(
        password_only,
        "staff code",
        "/medewerkers/inloggen/code/" + query,
        **data.draw(bodies(fields)),
    )
    assert password_only.get("/medewerkers/").status_code == 302  # no code, no entry

    newcomer = staff(Role.MANAGER)
    client = Client()
    client.force_login(newcomer)
    session = client.session
    session.pop(DEVICE_ID_SESSION_KEY, None)
    session.save()
    TOTPDevice.objects.filter(user=newcomer).delete()
    setup = "/medewerkers/inloggen/tweestapsverificatie/"
    assert client.get(setup + query).status_code == 200  # makes the unconfirmed device
    send(client, "staff code set-up", setup + query, **data.draw(bodies(fields)))


# --- the staff workspace ------------------------------------------------------------------------


def workspace_fields(name: str, world, practice: str = "mapping") -> dict[str, list]:
    today = timezone.localdate()
    review = {"review-dilemma": text_field(""), "review-discussed_with": text_field("")}
    for value in CoreValue:
        review[f"review-{value.value}_verdict"] = list(Verdict.values)
        review[f"review-{value.value}_reasoning"] = text_field()
        review[f"review-{value.value}_cites"] = ["", "1", "9" * 30]  # a paspoort part (issue 17)
    return {
        "pick_up": {},  # no fields: only the body and the address can be hostile
        "dream_message": {"message-body": text_field()},
        "dream_note": {"note-body": text_field()},
        "dream_contact": {
            "contact-kind": list(ContactMoment.Kind.values),
            "contact-on": [today.isoformat(), (today - timedelta(days=3)).isoformat()],
            "contact-summary": text_field(),
        },
        "dream_practice": {f"{practice}-done": ["on", ""], f"{practice}-note": text_field("")},
        "dream_review": review,
        "dream_situation": {
            "situation-question_behind": text_field(""),
            "situation-speaks_for": ["street", "neighbourhood", ""],
            "situation-other_views": text_field(""),
            "situation-views_heard_by": text_field(""),
            "situation-seen_on_location_on": [today.isoformat(), "2099-01-01", ""],
        },
        "dream_grant": {
            "grant-fund": [str(world["fund"].pk)],
            "grant-amount": ["250", "250,50", "3000", "0,01"],
            "grant-purpose": text_field(),
        },
        "dream_move": {"move-target": list(Status.values), "move-note": text_field("")},
        "dream_propose_not_possible": {"propose-reasons": text_field()},
        "dream_hand_over": {
            "handover-to": [str(world["colleague"].pk), str(world["enabler"].pk)],
            "handover-note": text_field(),
        },
    }[name]


WORKSPACE_POSTS = [
    "pick_up",
    "dream_message",
    "dream_note",
    "dream_contact",
    "dream_practice",
    "dream_review",
    "dream_situation",
    "dream_grant",
    "dream_move",
    "dream_propose_not_possible",
    "dream_hand_over",
]


@pytest.mark.parametrize("name", WORKSPACE_POSTS)
@HOSTILE
@given(data=st.data())
def test_staff_workspace_posts(world, name, data):
    client = client_of(world, "enabler")
    dream = world["dream"]
    pk = data.draw(st.one_of(st.just(dream.pk), st.integers(min_value=0, max_value=10**30)))
    kwargs = {"pk": pk}
    practice = "mapping"
    if name == "dream_practice":
        practice = data.draw(st.one_of(st.sampled_from(list(WorkingPractice.values)), hostile_text))
        if not practice or "/" in practice:
            practice = "mapping"
        kwargs["practice"] = practice
    url = reverse(f"staff:{name}", kwargs=kwargs)
    url += data.draw(st.sampled_from(["", "?" + urlencode({"x": data.draw(hostile_text)})]))
    body = data.draw(bodies(workspace_fields(name, world, practice)))
    response = send(client, f"staff {name}", url, htmx=data.draw(st.booleans()), **body)
    if response.status_code == 302:  # stored: the workspace shows it without error
        page = client.get(reverse("staff:dream_workspace", args=[dream.pk]))
        assert page.status_code == 200


@pytest.fixture
def partner(world):
    """A housing corporation invited to the world's dream (issue 17): (organisation, token)."""
    from initiatives.partner_models import Organisation

    organisation = Organisation.objects.create(
        kind=Organisation.Kind.HOUSING,
        name="Woonstichting",
        contact_name="Ellen",
        contact_email="ellen@example.nl",
        one_face=world["enabler"],
    )
    sent = services.partner_invite(
        dream=world["dream"], organisation=organisation, by=world["enabler"]
    )
    return organisation, sent.link.rstrip("/").rsplit("/", 1)[1]


@HOSTILE
@given(data=st.data())
def test_partner_link_and_its_forms(world, partner, data, settings):
    """A partner's link (issue 17): any token; with a good token, any message or contribution."""
    settings.RATELIMIT_PARTNER_PER_IP = settings.RATELIMIT_PARTNER_PER_LINK = "100000/h"
    _organisation, good = partner
    client = Client()
    token = data.draw(hostile_text)
    if token.strip("/"):
        bad = "/partner/" + quote(token, safe="") + "/"
        send(client, "partner link", bad, "get")
        send(client, "partner message", bad + "bericht/", data={"message-body": "x"})
    send(client, "partner link", f"/partner/{good}/", "get")
    body = data.draw(bodies({"message-body": text_field()}))
    send(client, "partner message", f"/partner/{good}/bericht/", **body)
    contribution = {
        "contribution-kind": ["money", "hours", "materials"],
        "contribution-amount": ["250", "250,50", "", "0,01"],
        "contribution-hours": ["12", "2,5", ""],
        "contribution-description": text_field(),
    }
    body = data.draw(bodies(contribution))
    send(client, "partner contribution", f"/partner/{good}/bijdrage/", **body)


@HOSTILE
@given(data=st.data())
def test_staff_partner_forms(world, partner, data):
    """The partner organisations' form and the workspace's invitation (issue 17)."""
    organisation, _token = partner
    client = client_of(world, "enabler")
    fields = {
        "kind": ["housing", "school", "other"],
        "name": text_field("Bouwmarkt"),
        "contact_name": text_field(),
        "contact_email": ["karin@example.nl"],
        "contact_phone": ["0416 12 34 56", ""],
        "one_face": [str(world["enabler"].pk)],
        "notes": text_field(""),
        "active": ["on", ""],
    }
    send(client, "staff partner add", "/medewerkers/partners/nieuw/", **data.draw(bodies(fields)))
    edit = f"/medewerkers/partners/{organisation.pk}/"
    send(client, "staff partner edit", edit, **data.draw(bodies(fields)))
    invite = {
        "partner-organisation": [str(organisation.pk)],
        "partner-role": ["helper", "co_owner"],
        "partner-message": text_field(""),
    }
    url = f"/medewerkers/dromen/{world['dream'].pk}/partners/"
    send(
        client,
        "staff partner invite",
        url,
        htmx=data.draw(st.booleans()),
        **data.draw(bodies(invite)),
    )


@HOSTILE
@given(data=st.data())
def test_paspoort_edit_posts(world, data):
    """The administrator's paspoort forms (issue 17): add a part, edit one, remove one."""
    if "administrator" not in world:
        world["administrator"] = StaffFactory(email="beheer@heusden.example", is_superuser=True)
        world["part"] = services.paspoort_part_add(
            by=world["administrator"], title="Eén gezicht", text="Eén contact."
        )
    admin = client_of(world, "administrator")
    part_fields = {
        "title": text_field(),
        "text": text_field(),
        "position": ["10", "", "-1", "9" * 30],
    }
    new_fields = {f"new-{name}": values for name, values in part_fields.items()}
    send(admin, "paspoort add", "/medewerkers/paspoort/bewerken/", **data.draw(bodies(new_fields)))
    key = data.draw(
        st.one_of(st.just(world["part"].key), st.from_regex(r"[a-z0-9-]{1,80}", fullmatch=True))
    )
    send(
        admin,
        "paspoort edit",
        f"/medewerkers/paspoort/bewerken/{key}/",
        **data.draw(bodies(part_fields)),
    )


@HOSTILE
@given(data=st.data())
def test_staff_bulk_and_approval_posts(world, data):
    dream = world["dream"]
    manager = client_of(world, "manager")
    fields = {
        "dream": [str(dream.pk), "²", "9" * 30],
        "action": ["export", "hand_over", "delete"],
        "query_string": ["status=picked_up", ""],
        "handover-to": [str(world["colleague"].pk)],
        "handover-note": text_field(),
    }
    # A redirect answers both a success and a refusal here: only "no 500" can be checked.
    send(
        manager,
        "staff dream selection",
        "/medewerkers/dromen/selectie/",
        compare=False,
        **data.draw(bodies(fields)),
    )
    if not dream.grants.exists():
        services.grant_create(
            dream=dream, by=world["enabler"], fund=world["fund"], amount=Decimal(5000), purpose="x"
        )
    grant = dream.grants.first()
    pk = data.draw(st.one_of(st.just(grant.pk), st.integers(min_value=0, max_value=10**30)))
    send(
        manager,
        "staff approval",
        f"/medewerkers/goedkeuringen/{pk}/",
        compare=False,
        **data.draw(bodies({"approve": ["1", "0"]})),
    )


@st.composite
def filter_params(draw, world) -> dict:
    fields = {
        "q": text_field(""),
        "status": list(Status.values),
        "neighbourhood": [str(world["neighbourhood"].pk)],
        "theme": [str(world["theme"].pk)],
        "contact": [str(world["enabler"].pk)],
        "mine": ["on"],
        "overdue": ["on"],
        "silent": ["on"],
        "tension": ["on"],
        "sort": ["newest", "oldest", "title", "status", "silent"],
        "pagina": ["1", "2", "last", "99999999999999999999"],
        # the list's positions (issue 15): keys from links, jumps to a day, letter or status
        "na": ["x", "WyJ4Il0", "WyIyMDI1LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwxXQ", "W251bGwsMV0"],
        "voor": ["x", "WzEsMiwzXQ", "WyJhIiwiYiJd"],
        "vanaf": ["2025-01-01", "31-02-2025", "M", "paused", "\x00", "9999-12-31", "0001-01-01"],
    }
    data = draw(form_data(fields))
    return {k: v for k, v in data.items() if isinstance(v, str | list)}


@HOSTILE
@given(data=st.data())
def test_dream_list_filters(world, data):
    params = data.draw(filter_params(world))
    for who in ("enabler", "comms"):
        client = client_of(world, who)
        htmx = data.draw(st.booleans())
        send(
            client,
            "staff dream list filters",
            "/medewerkers/dromen/",
            "get",
            data=params,
            htmx=htmx,
        )


@HOSTILE
@given(data=st.data())
def test_decision_letter_form(world, data):
    decision = Decision.objects.filter(state=Decision.State.PROPOSED).first()
    if decision is None:  # the last one was signed: propose another
        dream = DreamFactory(neighbourhood=world["neighbourhood"], theme=world["theme"])
        services.dream_pick_up(dream=dream, by=world["enabler"])
        services.review_record(dream=dream, by=world["enabler"], verdicts=review_verdicts())
        decision = services.decision_propose(dream=dream, by=world["enabler"], reasons="Geen plek.")
    client = client_of(world, "comms")
    pk = data.draw(st.one_of(st.just(decision.pk), st.integers(min_value=0, max_value=10**30)))
    send(
        client,
        "decision letter",
        f"/medewerkers/besluiten/{pk}/",
        **data.draw(bodies({"letter": text_field()})),
    )


weeks = st.one_of(
    hostile_text,
    st.dates().map(lambda d: d.isoformat()),
    st.just(services.last_monday().isoformat()),
    st.sampled_from(["2026-W01", "2025-12-29", "1999-12-27", "9999-12-27", " 2025-12-29 "]),
)


@HOSTILE
@given(data=st.data())
def test_weekly_report_week_parameter(world, data):
    client = client_of(world, "manager")
    week = data.draw(weeks)
    for url in ("/medewerkers/rapportage/", "/medewerkers/rapportage/csv/"):
        send(client, "weekly report ?week=", url, "get", data={"week": week})


@FEW
@given(week=weeks)
def test_weekly_report_pdf_week_parameter(world, week):
    client = client_of(world, "manager")
    send(
        client,
        "weekly report PDF ?week=",
        "/medewerkers/rapportage/pdf/",
        "get",
        data={"week": week},
    )


# --- the limits of a request -------------------------------------------------------------------


def test_too_many_fields_and_too_big_bodies_are_refused_without_an_error(world):
    fields = urlencode([("x", "1")] * (django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    big = b"title=" + b"a" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    for body in (fields.encode(), big):
        for client, url in (
            (Client(), "/dromen/nieuw/"),
            (Client(), "/inloggen/"),
            (Client(), "/medewerkers/inloggen/"),
            (client_of(world, "enabler"), f"/medewerkers/dromen/{world['dream'].pk}/notitie/"),
        ):
            response = send(
                client,
                "request limits",
                url,
                raw=body,
                content_type="application/x-www-form-urlencoded",
            )
            assert response.status_code == 400


# --- bodies Django cannot decode, behind the real CSRF check ------------------------------------

ODD_BODIES = {
    "utf-16 form": ("application/x-www-form-urlencoded; charset=utf-16", "email=a@b.nl"),
    "utf-32 form": ("application/x-www-form-urlencoded; charset=utf-32", "email=a@b.nl"),
    "latin-1 form": ("application/x-www-form-urlencoded; charset=latin-1", "email=caf\xe9"),
    "unknown charset": ("application/x-www-form-urlencoded; charset=klingon", "email=a"),
    "multipart, no boundary": ("multipart/form-data", "--x\r\n\r\n"),
    "multipart, utf-16": ("multipart/form-data; boundary=x; charset=utf-16", "--x--"),
    "multipart, broken": ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: f"),
    "json": ("application/json", '{"email": null}'),
    "plain text": ("text/plain; charset=utf-16", "email=a@b.nl"),
}


def _every_url(world) -> list[str]:
    """Every URL of the site, its parameters filled in with the world's dream."""
    from django.urls import URLPattern, URLResolver, get_resolver

    values = {"int": world["dream"].pk, "str": "mapping", "path": "x", "slug": "x"}
    urls = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = pattern.pattern.converters
                kwargs = {
                    key: values.get(type(conv).__name__.removesuffix("Converter").lower(), "x")
                    for key, conv in converters.items()
                }
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                try:
                    urls.append(reverse(name, kwargs=kwargs))
                except Exception:  # noqa: S112 - a pattern our sample values cannot fill
                    continue

    walk(get_resolver().url_patterns, None)
    return sorted(set(urls))


WHO = ("anonymous", "resident", "enabler")


@pytest.mark.parametrize("kind", sorted(ODD_BODIES))
def test_undecodable_bodies_get_a_400_page_behind_the_csrf_check(world, settings, kind):
    """A body in a charset Django will not decode used to raise inside the 400 view (its CSRF
    step reads the POST again): a 500. Now: the site's own 400 page, or an ordinary refusal.

    Every URL gets every kind of body; who sends it turns with the URL and the kind, so that
    over the kinds each URL is also sent to by an anonymous visitor, a resident and staff
    (every combination of all three would be three times the requests for no other view)."""
    settings.DEBUG = False
    content_type, text = ODD_BODIES[kind]
    encoding = content_type.split("charset=")[-1] if "charset=" in content_type else "utf-8"
    try:
        raw = text.encode(encoding)
    except LookupError:
        raw = text.encode()
    clients = {}
    for who in WHO:
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        if who != "anonymous":
            client.force_login(world[who])
        # A valid CSRF cookie and no token in the body: the middleware must read the body.
        client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
        clients[who] = client
    urls = _every_url(world)
    assert len(urls) > 40  # the walk found the site, not only a few pages
    turn = sorted(ODD_BODIES).index(kind)
    before = snapshot()
    for number, url in enumerate(urls):
        who = WHO[(number + turn) % len(WHO)]
        response = clients[who].generic("POST", url, raw, content_type=content_type)
        assert response.status_code < 500, f"{kind} by {who} to {url}: {response.status_code}"
        if response.status_code == 400:
            assert "Dit verzoek kan de site niet lezen" in response.content.decode(), url
    assert snapshot() == before, f"a {kind} body stored data"


@HOSTILE
@given(data=st.data())
def test_staff_assembly_life_forms(world, data):
    """A citizens' assembly's meetings, outcomes and an outcome made a dream (issue 18)."""
    from tests.factories import AssemblyLifeFactory, PanelMemberFactory

    if "assembly" not in world:
        assembly = AssemblyLifeFactory(neighbourhoods=[world["neighbourhood"]])
        member = PanelMemberFactory(assembly=assembly)
        outcome = services.assembly_outcome_save(
            by=world["enabler"], assembly=assembly, title="Pluktuin", description="Bomen."
        )
        stranger = PanelMemberFactory()  # another assembly's
        world.update(assembly=assembly, member=member, outcome=outcome, stranger=stranger)
    assembly, member, outcome = world["assembly"], world["member"], world["outcome"]
    ids = [str(member.pk), str(world["stranger"].pk), "abc", "-1", str(2**63)]
    client = client_of(world, "enabler")
    base = f"/medewerkers/burgerberaad/{assembly.pk}/"
    meeting = {
        "meeting-day": ["2026-12-15", "15-12-2026"],
        "meeting-time": ["19:30", "25:00"],
        "meeting-place": text_field("Het Anker"),
        "meeting-topic": text_field(""),
        "meeting-summary": text_field(""),
    }
    send(client, "staff assembly meeting", base + "bijeenkomsten/", **data.draw(bodies(meeting)))
    outcome_fields = {
        "outcome-title": text_field("Zebrapad"),
        "outcome-description": text_field(),
        "outcome-participants": ids,
    }
    send(
        client, "staff assembly outcome", base + "uitkomsten/", **data.draw(bodies(outcome_fields))
    )
    edit = f"{base}uitkomsten/{outcome.pk}/"
    send(client, "staff assembly outcome edit", edit, **data.draw(bodies(outcome_fields)))
    to_dream = {
        "dream-participants": ids,
        "dream-lead": ids,
        "dream-theme": [str(world["theme"].pk), "0", "groen"],
        "dream-neighbourhood": [str(world["neighbourhood"].pk), ""],
        "dream-own_contribution": text_field(""),
        "dream-needs_from_municipality": text_field(""),
    }
    send(client, "staff assembly outcome dream", edit + "droom/", **data.draw(bodies(to_dream)))
