"""The data version the staff lists' cache is keyed by (initiatives/data_version.py): raised by
every write through Django's connection, whatever code sent it, and again after the commit;
not by the writes of people who only read (sessions, the audit log, the outbox).

The transactional tests commit for real, so that on_commit runs as in production.
"""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction

from initiatives import data_version, services
from initiatives.models import Dream
from tests.factories import DreamFactory


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ('INSERT INTO "initiatives_dream" ("title") VALUES (%s)', True),
        ('UPDATE "initiatives_dream" SET "title" = %s', True),
        ('DELETE FROM "initiatives_timelineevent" WHERE id = 1', True),
        ("  update initiatives_review set is_current = false", True),
        ('ALTER TABLE "initiatives_dream" ADD COLUMN "x" int', True),
        ("TRUNCATE initiatives_dream", True),
        ('WITH moved AS (SELECT 1) UPDATE "initiatives_dream" SET "status" = %s', True),
        ('SELECT "initiatives_dream"."id" FROM "initiatives_dream"', False),
        ('SELECT "id" FROM "initiatives_dream" FOR UPDATE', False),
        ("WITH counted AS (SELECT 1) SELECT * FROM counted", False),
        ('UPDATE "django_session" SET "expire_date" = %s', False),
        ('INSERT INTO "django_session" ("session_key") VALUES (%s)', False),
        ("INSERT INTO initiatives_auditentry (created_at) VALUES (%s)", False),
        (
            "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)) "
            "INSERT INTO initiatives_auditentry (created_at) SELECT %s FROM quick",
            False,
        ),
        ('UPDATE "initiatives_outboxmail" SET "state" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
    ],
)
def test_what_counts_as_a_write(sql, expected):
    assert data_version.writes(sql) is expected


@pytest.mark.django_db(transaction=True)
def test_every_kind_of_write_raises_it(resident, neighbourhood, theme):
    dream = DreamFactory(resident=resident, neighbourhood=neighbourhood, theme=theme)
    seen = [data_version.current()]

    def changed() -> bool:
        seen.append(data_version.current())
        return seen[-1] != seen[-2]

    dream.title = "Een bankje"
    dream.save()  # the ORM
    assert changed()
    Dream.objects.filter(pk=dream.pk).update(title="Twee bankjes")  # a queryset's update()
    assert changed()
    with connection.cursor() as cursor:  # raw SQL
        cursor.execute("UPDATE initiatives_dream SET title = %s WHERE id = %s", ["X", dream.pk])
    assert changed()
    services.dream_withdraw(dream=dream, by=resident, reason="Verhuisd")  # a service
    assert changed()


@pytest.mark.django_db(transaction=True)
def test_reading_and_keeping_a_session_do_not_raise_it(resident, neighbourhood, theme):
    dream = DreamFactory(resident=resident, neighbourhood=neighbourhood, theme=theme)
    before = data_version.current()
    list(Dream.objects.filter(pk=dream.pk))
    session = SessionStore()
    session["x"] = 1
    session.save()
    services.audit_record(
        user=None, action="view dream", target="dream 1", method="GET", path="/", status=200,
        ip="127.0.0.1",
    )  # fmt: skip
    assert data_version.current() == before


@pytest.mark.django_db(transaction=True)
def test_raised_at_the_write_and_again_after_the_commit(resident, neighbourhood, theme):
    dream = DreamFactory(resident=resident, neighbourhood=neighbourhood, theme=theme)
    before = data_version.current()
    with transaction.atomic():
        Dream.objects.filter(pk=dream.pk).update(title="Nieuw")
        at_the_write = data_version.current()
        assert at_the_write != before  # this process reads what it wrote
    # A reader who cached the old rows under AT_THE_WRITE (between the write and the commit)
    # cached them under a version nobody asks for any more.
    assert data_version.current() != at_the_write


@pytest.mark.django_db(transaction=True)
def test_raised_after_the_commit_when_an_earlier_savepoint_was_rolled_back(
    resident, neighbourhood, theme
):
    """The on_commit of a savepoint rolled back is dropped with it: a later write in the same
    transaction registers its own."""
    dream = DreamFactory(resident=resident, neighbourhood=neighbourhood, theme=theme)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Dream.objects.filter(pk=dream.pk).update(title="Teruggedraaid")
                raise RuntimeError
        except RuntimeError:
            pass
        Dream.objects.filter(pk=dream.pk).update(title="Blijft")
        at_the_write = data_version.current()
    assert data_version.current() != at_the_write
    assert Dream.objects.get(pk=dream.pk).title == "Blijft"


@pytest.mark.django_db(transaction=True)
def test_without_a_cache_every_read_is_a_new_version(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert data_version.current() != data_version.current()


@pytest.mark.django_db(transaction=True)
def test_read_once_per_request_and_anew_after_a_write_in_it(resident, neighbourhood, theme):
    """A page asks the version for each of its cached parts: within one request the first
    answer holds (another process's raise is seen at the next request), except after a
    write of the request itself, which it must read back."""
    from django.core.cache import cache
    from django.core.signals import request_finished, request_started

    dream = DreamFactory(resident=resident, neighbourhood=neighbourhood, theme=theme)
    request_started.send(sender=None)
    try:
        first = data_version.current()
        cache.set(data_version.KEY, "elsewhere", timeout=None)  # another worker's write
        assert data_version.current() == first
        Dream.objects.filter(pk=dream.pk).update(title="Zelf geschreven")  # this request's
        own = data_version.current()
        assert own not in (first, "elsewhere")
        cache.set(data_version.KEY, "elsewhere again", timeout=None)
        assert data_version.current() == own
    finally:
        request_finished.send(sender=None)
    # Outside a request (a task, a command) every read asks the cache.
    assert data_version.current() == "elsewhere again"
    cache.set(data_version.KEY, "later", timeout=None)
    assert data_version.current() == "later"
