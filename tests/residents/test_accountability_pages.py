"""The applicant's page to account for the money (residents/accountability_views.py)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from initiatives.models import Accountability, AccountabilityFile, Application
from initiatives.statuses import Status
from tests.conftest import image_bytes
from tests.factories import DreamFactory, FundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(resident):
    dream = DreamFactory(resident=resident, status=Status.REALISED, closed_at=timezone.now())
    return Application.objects.create(
        dream=dream,
        fund=FundFactory(name="Wijkfonds"),
        applicant=Application.Applicant.RESIDENT,
        requested=Decimal(400),
        granted=Decimal(400),
        state=Application.State.GRANTED,
        submitted_by=resident,
    )


def _url(application) -> str:
    return f"/mijn-dromen/{application.dream_id}/aanvragen/{application.pk}/verantwoording/"


def _jpeg(name):
    return SimpleUploadedFile(name, image_bytes("JPEG"), content_type="image/jpeg")


def test_the_applicant_sends_a_report_with_a_photo_and_a_receipt(client, resident, application):
    client.force_login(resident)
    page = client.get(_url(application)).content.decode()
    assert "Verantwoord het geld" in page or "Account for the money" in page

    response = client.post(
        _url(application),
        {
            "report": "Zes plantenbakken gekocht en samen gevuld.",
            "spent": "385,50",
            "photos": [_jpeg("bakken.jpg")],
            "receipts": [_jpeg("bon.jpg")],
        },
    )

    assert response.status_code == 302
    report = Accountability.objects.get()
    assert (report.spent, report.state) == (Decimal("385.50"), Accountability.State.SUBMITTED)
    assert sorted(report.files.values_list("kind", flat=True)) == ["photo", "receipt"]
    file = report.files.get(kind="receipt")
    assert client.get(f"/verantwoording/bestanden/{file.pk}/").status_code == 200
    again = client.get(_url(application)).content.decode()
    assert "Zes plantenbakken gekocht" in again and 'name="report"' not in again  # sent once


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"report": "", "spent": "10"}, "report", "Vertel kort wat je met het geld hebt gedaan."),
        (
            {"report": "Klaar.", "spent": "tien"},
            "spent",
            "Vul een bedrag in euro in, zoals 1250 of 1.250,50.",
        ),
        ({"report": "Klaar.", "spent": ""}, "spent", "Vul in hoeveel je hebt uitgegeven"),
    ],
)
def test_bad_input_is_said_beside_the_field_and_kept(
    client, resident, application, data, field, message
):
    client.force_login(resident)
    response = client.post(_url(application), data, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400
    content = response.content.decode()
    error = content.split(f'id="id_{field}_error">', 1)[1].split("</div>", 1)[0]
    assert message in error
    if data["report"]:
        assert data["report"] in content  # what was typed is still there
    assert not Accountability.objects.exists() and not AccountabilityFile.objects.exists()


def test_not_before_the_dream_came_true(client, resident, application):
    application.dream.status = Status.IN_PROGRESS
    application.dream.save(update_fields=["status"])
    client.force_login(resident)
    response = client.post(_url(application), {"report": "Klaar.", "spent": "10"})
    assert response.status_code == 200
    assert 'name="report"' not in response.content.decode()
    assert not Accountability.objects.exists()


def test_someone_elses_application_is_not_found(client, other_resident, application):
    client.force_login(other_resident)
    assert client.get(_url(application)).status_code == 404


def test_the_dream_page_leads_to_the_report_once_the_dream_came_true(client, resident, application):
    client.force_login(resident)
    page = client.get(f"/mijn-dromen/{application.dream_id}/").content.decode()
    assert f'href="{_url(application)}"' in page
    application.dream.status = Status.IN_PROGRESS
    application.dream.save(update_fields=["status"])
    page = client.get(f"/mijn-dromen/{application.dream_id}/").content.decode()
    assert _url(application) not in page
