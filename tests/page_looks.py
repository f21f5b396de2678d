"""Looks at pages for the cache tests: a signed-in client, and a page read with its queries."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def signed_in(user, **kwargs) -> Client:
    """A client signed in as USER (KWARGS for Client, e.g. enforce_csrf_checks=True)."""
    client = Client(**kwargs)
    client.force_login(user)
    return client


def look(client, url: str, status: int = 200) -> tuple[str, list[str]]:
    """GET URL with CLIENT: the page's text and the SQL of the queries it sent."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]
