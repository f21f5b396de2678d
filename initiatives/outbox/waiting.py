"""At most one outbox dispatch waits in the queue: a kick that finds one waiting starts none.

A flag in the broker's Redis, one per queue and database, says "a dispatch task is in this
queue and has not claimed yet". Whoever publishes a dispatch without a countdown (a commit's
kick, a dispatch handing on) first sets it, only if it is not set (SET NX); when it was set
already, it publishes nothing. A dispatch clears the flag once it has waited a moment for
the commits that come right after (dispatch.GATHER_SECONDS: their kicks find the flag set
and publish nothing), and before it claims anything.

Why no mail is stranded by a skipped kick: a kick runs after its transaction committed, and
it skips only while the flag is set, so the waiting dispatch has not cleared it yet; it
clears it later, and claims later still, so its claim sees that transaction's rows. Should
the flag outlive its dispatch (publishing failed after it was set, the worker holding the
message was killed), it expires after WAITING_FLAG_SECONDS and kicks publish again; beat's
dispatch every minute sends the rest regardless. Any failure to read the flag means
"publish": the flag only ever saves tasks, it never is the reason a dispatch is started.

Without Redis as the broker (tasks run in-process, or another broker) there is no flag and
every kick publishes, as before.
"""

import logging

import redis
from celery import current_app
from django.db import connection

logger = logging.getLogger(__name__)

# How long a set flag stands without its dispatch starting. Short: only when that dispatch
# is lost (its worker killed while holding the message) does it delay a kick's mail, by at
# most this long. A longer wait in a busy queue costs no more than an extra dispatch.
WAITING_FLAG_SECONDS = 10

_clients: dict[str, redis.Redis] = {}


def _client() -> redis.Redis | None:
    """The broker's Redis (timeouts as the broker's own), or None when the broker is not Redis."""
    url = current_app.conf.broker_url or ""
    if not url.startswith(("redis://", "rediss://")):
        return None
    client = _clients.get(url)
    if client is None:
        options = current_app.conf.broker_transport_options or {}
        client = _clients[url] = redis.Redis.from_url(
            url,
            socket_connect_timeout=options.get("socket_connect_timeout", 1),
            socket_timeout=options.get("socket_timeout", 2),
        )
    return client


def flag_key(queue: str) -> str:
    """The flag of QUEUE for this database: test and benchmark databases share a Redis."""
    return f"dromen:outbox-dispatch-waiting:{connection.settings_dict['NAME']}:{queue}"


def default_queue() -> str:
    """The queue a dispatch published without options goes to."""
    return current_app.conf.task_default_queue or "celery"


def mark_waiting(queue: str) -> bool:
    """Set QUEUE's flag; return whether a dispatch must be published (none was waiting).

    True also when Redis cannot be asked: then the caller publishes, as without a flag.
    """
    client = _client()
    if client is None:
        return True
    try:
        return bool(client.set(flag_key(queue), "1", nx=True, ex=WAITING_FLAG_SECONDS))
    except redis.RedisError as exc:
        logger.warning("Outbox dispatch flag not readable (%s); publishing a dispatch", exc)
        return True


def clear_waiting(queue: str) -> None:
    """Clear QUEUE's flag: the dispatch that was waiting has started (or was never sent)."""
    client = _client()
    if client is None:
        return
    try:
        client.delete(flag_key(queue))
    except redis.RedisError as exc:  # it expires by itself; kicks publish again after that
        logger.warning("Outbox dispatch flag not cleared (%s)", exc)
