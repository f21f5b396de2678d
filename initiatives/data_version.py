"""How fresh the staff lists are: one version of the data, raised after every write.

The staff dream list, the search and the triage queue read the same rows for every member of
staff, many times a minute in a busy office, while the rows change only when someone changes
something. Their data is cached keyed by this version (initiatives/list_cache.py), so what one
person read, the next reads from the cache, until anything is written.

What raises it is not a list of services that might change a row (one forgotten is a list
that lies), but the database connection itself: every INSERT, UPDATE, DELETE or schema
change sent through Django's connection, by the ORM, a queryset's update() or raw SQL, raises
the version, except a write to one of UNLISTED_TABLES (sessions, the audit log, the outbox,
second-factor devices, sign-in attempts: written while people only read, and shown on no
list; where a page does show one, its writer says so: shown_write()). It is raised:

- at each write inside a transaction, so that the same process (the request that wrote, a
  test) reads what it wrote;
- after the transaction commits (at once in autocommit), so that a reader who read the old
  rows between the write and the commit, and cached them under the version of the moment,
  cached them under a version nobody reads again.

A reader reads the version before it reads the rows; so whatever it caches is at least as new
as its version. Writes that bypass Django (psql, COPY) do not raise it: bump() after those.

The version lives in the shared cache (Redis). Without a cache (an outage), current() is a new
token every time: nothing is served from the cache, nothing is stale.
"""

import re
import secrets
import threading

from django.core.cache import cache

KEY = "data:version"
_local = threading.local()  # the pending after-commit raise; in a request, the version read

# Tables written while people only read, and shown on no staff list.
UNLISTED_TABLES = frozenset(
    {
        "django_session",  # a session kept alive
        "initiatives_auditentry",  # every staff view of personal data is recorded
        "initiatives_outboxmail",  # mail being delivered
        "otp_totp_totpdevice",  # a second factor used (its last use, its throttling)
        "axes_accessattempt",  # sign-in attempts (django-axes)
        "axes_accesslog",
        "axes_accessfailurelog",
    }
)

# A statement that may write starts with one of these words (WITH: a CTE, which may end in
# an INSERT, UPDATE or DELETE); the tables it writes follow INSERT INTO, UPDATE, DELETE FROM.
_MAY_WRITE = re.compile(
    r"\s*(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY|CREATE|ALTER|DROP|WITH)\b", re.IGNORECASE
)
_WRITTEN = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.IGNORECASE)


def current() -> str:
    """The version now; the first read after a start (or a lost cache) makes one.

    Within a request it is read once: a page asks it for each of its cached parts, and what
    the request reads after the first ask is at least as new as it. A write in this thread
    (bump) forgets it, so a request reads what it wrote.
    """
    seen = getattr(_local, "seen", None)
    if seen is not None:
        return seen
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, secrets.token_hex(8), timeout=None)
        version = cache.get(KEY)
    if version is None:  # no cache: a new version at every read, nothing is served from it
        return "none-" + secrets.token_hex(8)
    if getattr(_local, "in_request", False):
        _local.seen = version
    return version


def bump() -> None:
    """Raise the version now (after writes that did not go through Django's connection)."""
    _local.seen = None
    cache.set(KEY, secrets.token_hex(8), timeout=None)


def shown_write(connection=None) -> None:
    """Raise the version as a write does (now in a transaction, and after its commit), for a
    write to one of UNLISTED_TABLES that a cached page shows after all: a mail given up,
    which the dream's workspace warns about (initiatives/outbox/delivery.py)."""
    from django.db import connection as default

    _raised(connection or default)


def request_started(**kwargs) -> None:
    """Signal receiver: a request begins in this thread; it reads the version anew once."""
    _local.in_request, _local.seen = True, None


def request_finished(**kwargs) -> None:
    """Signal receiver: the request is over; outside one (a task, a command) every read asks."""
    _local.in_request, _local.seen = False, None


def writes(sql: str) -> bool:
    """Whether SQL writes something a staff list might show."""
    start = _MAY_WRITE.match(sql)
    if start is None:
        return False
    tables = [table.lower() for table in _WRITTEN.findall(sql)]
    if not tables:  # a schema change, MERGE, TRUNCATE, COPY: yes; a CTE that only reads: no
        return start.group(1).upper() != "WITH"
    return any(table not in UNLISTED_TABLES for table in tables)


def watch_writes(execute, sql, params, many, context):
    """Django execute wrapper (installed on every connection by the app's ready()): raise
    the version when SQL writes, as the module's docstring says."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and writes(sql):
        _raised(context["connection"])
    return result


class _PendingBump:
    """The after-commit raise of one transaction: registered with on_commit (what Django's
    transaction.on_commit calls) at every write, it raises the version the first time it is
    run and does nothing after. As the outbox's kick (initiatives/outbox/kick.py): a registration
    made in a savepoint that is rolled back is dropped with its write, so one made by a write
    that stays survives; one never run (a rolled-back transaction) serves the next."""

    __slots__ = ("done",)

    def __init__(self):
        self.done = False

    def __call__(self) -> None:
        if not self.done:
            self.done = True
            bump()


def _raised(connection) -> None:
    if connection.in_atomic_block:
        bump()  # now: the same process (this request, a test) reads what it wrote
    pending = getattr(_local, "pending", None)
    if pending is None or pending.done:
        pending = _local.pending = _PendingBump()
    # After the commit (at once in autocommit, where the statement is committed already).
    # On the connection itself: what transaction.on_commit(using=...) calls, and also right
    # for a connection that is not in DATABASES (the one that creates the test database).
    connection.on_commit(pending, robust=True)


def install(connection) -> None:
    """Watch CONNECTION's writes (once per connection object)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch_writes)
