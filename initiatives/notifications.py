"""Mails to residents and staff, written to the outbox first and sent after commit.

Nothing is sent from inside a transaction: the outbox row is written with the change
that caused it, and the delivery task is enqueued once that change has committed. If the
broker is down at that moment, the sweeper finds the row and enqueues it again later.
"""

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import NotificationMode, User
from initiatives.models import Dream, OutboxMail
from initiatives.tokens import unsubscribe_token_make


def _resident_links(to: User) -> dict:
    if to.is_staff:
        return {}
    return {
        "preferences_url": settings.SITE_URL + reverse("residents:notification_preferences"),
        "unsubscribe_url": settings.SITE_URL
        + reverse("residents:unsubscribe", args=[unsubscribe_token_make(to)]),
    }


def _state_for(to: User, essential: bool) -> str:
    """Return what happens to a mail for TO: sent now, held for the digest, or skipped."""
    if essential or to.is_staff:
        return OutboxMail.State.PENDING
    if to.notification_mode == NotificationMode.DAILY:
        return OutboxMail.State.HELD_FOR_DIGEST
    if to.notification_mode == NotificationMode.ESSENTIAL:
        return OutboxMail.State.SKIPPED
    return OutboxMail.State.PENDING


def mail_queue(
    *,
    to: User,
    template: str,
    context: dict | None = None,
    dream: Dream | None = None,
    essential: bool = True,
    digest_line: str = "",
) -> OutboxMail:
    """Render mail TEMPLATE in the recipient's language, store it, and send it after commit.

    The outbox row is written in the caller's transaction: when that rolls back,
    nothing is sent; when it commits, the delivery task is enqueued. A non-essential
    mail follows the resident's choice: at once, in the daily email, or not at all.
    """
    full_context = {
        "recipient": to,
        "dream": dream,
        "site_url": settings.SITE_URL,
        "municipality_name": settings.MUNICIPALITY_NAME,
        **_resident_links(to),
        **(context or {}),
    }
    with translation.override(to.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"mail/{template}_subject.txt", full_context)
        body_text = render_to_string(f"mail/{template}.txt", full_context)
        body_text += render_to_string("mail/_footer.txt", full_context)
        body_html = render_to_string(f"mail/{template}.html", full_context)
    state = _state_for(to, essential)
    mail = OutboxMail.objects.create(
        recipient=to,
        to_email=to.email,
        subject=" ".join(subject.split())[:200],
        body_text=body_text,
        body_html=body_html,
        dream=dream,
        essential=essential,
        digest_line=digest_line,
        state=state,
    )
    if state == OutboxMail.State.PENDING:
        _enqueue_on_commit(mail.pk)
    return mail


# Mails are handed to the workers in tasks of at most this many. A task costs Celery about
# 1.5 ms and a transaction and a mail server connection of its own; over 50 mails that is
# little next to building each message (2-3 ms). Larger batches would gain little more, and
# cost more when a worker dies: a batch commits once, so the mails it had sent are sent
# again (up to 50 a pool process), and 10,000 mails still make 200 tasks, enough to share
# over the pool.
MAIL_BATCH_SIZE = 50


class _CommitBatch:
    """The outbox mails written in one transaction, handed to the workers once it commits."""

    def __init__(self, outbox_id: int, transaction_key: str | None):
        self.outbox_ids = [outbox_id]
        self.transaction_key = transaction_key
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        mail_enqueue_batch(self.outbox_ids)

    def __repr__(self) -> str:  # named in the log when enqueueing fails
        return f"mail_enqueue_batch({len(self.outbox_ids)} outbox mails)"


def _enqueue_on_commit(outbox_id: int) -> None:
    """Enqueue outbox mail OUTBOX_ID with the other mails of its transaction, after commit.

    One on_commit hook per transaction, not per mail: a mail joins the latest hook that
    is still waiting, if that hook is of the same transaction. That is always safe: Django
    drops a hook when a savepoint it was registered in rolls back, and every such savepoint
    still open encloses the mail too, so the mail goes with it. (A mail written in a
    savepoint that rolls back later stays in the hook's list; its row is gone, which
    delivery takes as nothing to send.)
    """
    connection = transaction.get_connection()
    key = _transaction_key(connection)
    if key is not None:
        for _savepoints, hook, _robust in reversed(connection.run_on_commit):
            if isinstance(hook, _CommitBatch) and not hook.ran:
                if hook.transaction_key == key:
                    hook.outbox_ids.append(outbox_id)
                    return
                break
    transaction.on_commit(_CommitBatch(outbox_id, key), robust=True)


def _transaction_key(connection) -> str | None:
    """Return what tells the transaction a mail is written in, or None: a hook of its own.

    That is the outermost atomic block, leaving out the blocks a test case wraps each test
    in (as Django does for durable blocks). So in a test, as in production, each service
    the test calls is a transaction of its own, and the on_commit hooks the test runs
    (captureOnCommitCallbacks) are those of the calls it watches.
    """
    if not connection.in_atomic_block:
        return None  # autocommit: on_commit runs the hook at once
    blocks = connection.atomic_blocks
    depth = next(
        (n for n, block in enumerate(blocks) if not getattr(block, "_from_testcase", False)),
        None,
    )
    if depth is None:
        return None  # a test's own code, outside the code under test: as in autocommit
    if depth == 0:
        return "transaction"  # the hooks waiting now are all of this one transaction
    # A block nested in a test case's: its savepoint's name, unique on this connection.
    savepoints = connection.savepoint_ids
    return savepoints[depth - (len(blocks) - len(savepoints))]


def mail_enqueue(outbox_id: int) -> None:
    """Hand outbox mail OUTBOX_ID to a worker. Safe to repeat: delivery checks the row."""
    from initiatives.tasks import mail_deliver

    mail_deliver.delay(outbox_id)


def mail_enqueue_batch(outbox_ids: Sequence[int]) -> None:
    """Hand outbox mails OUTBOX_IDS to the workers, in tasks of up to MAIL_BATCH_SIZE.

    The tasks are of even size, so the pool shares the work; a single mail goes as a task
    of its own. Safe to repeat: delivery checks each row. When the broker cannot be reached,
    the error is raised at the first task and the mails are left to the sweeper.
    """
    from initiatives.tasks import mail_deliver_batch

    outbox_ids = list(outbox_ids)
    task_count = -(-len(outbox_ids) // MAIL_BATCH_SIZE)  # rounded up
    size, larger = divmod(len(outbox_ids), max(task_count, 1))
    start = 0
    for number in range(task_count):
        end = start + size + (number < larger)
        batch, start = outbox_ids[start:end], end
        if len(batch) == 1:
            mail_enqueue(batch[0])
        else:
            mail_deliver_batch.delay(batch)
