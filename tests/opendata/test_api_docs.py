"""The API's documentation: the OpenAPI 3 document and the interactive page (issue 19)."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_openapi_document_describes_every_operation_parameter_and_field(client):
    document = client.get("/api/v1/openapi.json").json()

    assert document["openapi"].startswith("3.")
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert {"/api/v1/dreams/", "/api/v1/dreams/{id}/", "/api/v1/stories/"} <= set(document["paths"])
    for operation in operations:
        assert operation.get("description") and operation.get("summary"), operation
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), parameter
    for name, schema in document["components"]["schemas"].items():
        for field, definition in schema.get("properties", {}).items():
            assert definition.get("description"), f"{name}.{field} has no description"


def test_interactive_docs_load_nothing_from_elsewhere(client):
    page = client.get("/api/v1/docs").content.decode()

    addresses = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert addresses, page
    for address in addresses:
        assert address.startswith("/static/"), address
        assert finders.find(address.removeprefix("/static/")), address
    assert "http://" not in page and "https://" not in page
    assert '"validatorUrl": null' in page  # else Swagger UI asks validator.swagger.io
