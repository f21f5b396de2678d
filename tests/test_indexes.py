"""The indexes the scale benchmark relies on (make bench, BENCHMARKS.md) must exist.

Read from the database itself, so a migration that drops or renames one fails here. The
Dutch full-text index is created on PostgreSQL only; every other one on every database.
"""

import pytest
from django.db import connection

# (table, index, columns, partial) — partial: it covers only part of the rows (a WHERE).
INDEXES = [
    ("initiatives_dream", "dream_listed_newest", ["submitted_at", "id"], True),
    ("initiatives_dream", "dream_listed_title", ["title", "id"], True),
    ("initiatives_dream", "dream_listed_silent", ["last_public_update_at", "id"], True),
    (
        "initiatives_dream",
        "dream_listed_place_status",
        ["neighbourhood_id", "status", "submitted_at", "id"],
        True,
    ),
    ("initiatives_dream", "dream_newest", ["submitted_at", "id"], False),
    ("initiatives_dream", "dream_status_submitted", ["status", "submitted_at"], False),
    ("initiatives_dream", "dream_resident_recent", ["resident_id", "created_at"], False),
    ("initiatives_dream", "dream_contact_status", ["contact_id", "status"], False),
    ("initiatives_dream", "dream_first_contact", ["first_contact_at"], False),
    ("initiatives_dream", "dream_closed", ["closed_at"], False),
    ("initiatives_dream", "dream_realised_public", ["closed_at", "id"], True),
    ("initiatives_timelineevent", "event_dream_time", ["dream_id", "created_at"], False),
    ("initiatives_timelineevent", "event_kind_time", ["kind", "created_at"], False),
    ("initiatives_timelineevent", "event_status_history", ["dream_id", "created_at"], True),
    ("initiatives_review", "review_current_tension", ["dream_id"], True),
    ("initiatives_review", "review_created", ["created_at"], False),
    # The weekly report's lists (issue 15): silent dreams, workload, letters of a week.
    ("initiatives_dream", "dream_open_last_public", ["last_public_update_at", "id"], True),
    ("initiatives_dream", "dream_open_contact", ["contact_id", "status"], True),
    ("initiatives_decision", "decision_signed", ["signed_at"], False),
]


def _indexes(table: str) -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def _definition(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else ""


@pytest.mark.django_db
@pytest.mark.parametrize(("table", "name", "columns", "partial"), INDEXES)
def test_index_exists(table, name, columns, partial):
    found = _indexes(table)
    assert name in found, f"{table} has no index {name}: the benchmark's pages rely on it"
    assert found[name]["index"]
    assert found[name]["columns"] == columns
    if connection.vendor == "postgresql":
        assert (" WHERE " in _definition(name)) == partial


@pytest.mark.django_db
def test_the_status_sort_has_its_index():
    """The list sorted by status seeks on the status's place in the order (an expression)."""
    assert "dream_listed_status" in _indexes("initiatives_dream")
    if connection.vendor == "postgresql":
        definition = _definition("dream_listed_status")
        assert "CASE" in definition and "submitted_at, id" in definition
        assert " WHERE " in definition


@pytest.mark.django_db
def test_full_text_index_exists_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the full-text (GIN) index is created on PostgreSQL only")
    definition = _definition("dream_search_document")
    assert "USING gin (search_document)" in definition
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d"
            " JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum"
            " WHERE d.adrelid = 'initiatives_dream'::regclass AND a.attname = 'search_document'"
        )
        (expression,) = cursor.fetchone()
    assert "to_tsvector('dutch'" in expression


@pytest.mark.django_db
def test_list_queries_can_use_the_partial_indexes():
    """The staff list filters exactly as the partial indexes are defined, so they apply."""
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    from accounts.models import User
    from initiatives import selectors

    staff = User.objects.create_user(email="plan@heusden.example", is_staff=True)
    for sort, index in (
        ("newest", "dream_listed_newest"),
        ("title", "dream_listed_title"),
        ("status", "dream_listed_status"),
        ("silent", "dream_listed_silent"),
    ):
        ids = selectors.staff_dream_list(user=staff, sort=sort).values_list("pk", flat=True)
        sql, params = ids[:25].query.sql_with_params()
        with connection.cursor() as cursor:
            # On a test's few rows any plan is cheap: ask for the one that reads in order.
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert index in plan, plan


@pytest.mark.django_db
def test_search_reads_the_stored_vector():
    """A search compares with the stored vector: computing it per dream made it slow."""
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    from accounts.models import User
    from initiatives import selectors
    from tests.factories import DreamFactory

    staff = User.objects.create_user(email="zoeker@heusden.example", is_staff=True)
    wanted = DreamFactory(title="Een speeltuin aan de Wilhelminalaan")
    DreamFactory(title="Bankje bij de vijver")
    dreams = selectors.staff_dream_list(user=staff, query="speeltuinen")  # Dutch stemming
    assert [dream.pk for dream in dreams] == [wanted.pk]

    # Compared with the stored column, which the GIN index above covers (a test's few rows
    # make any plan cheap, so the plan itself is the benchmark's to show: BENCHMARKS.md).
    sql = str(dreams.values("pk").query)
    assert "to_tsvector" not in sql
    assert '"search_document" @@' in sql
