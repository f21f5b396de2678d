"""After a transaction that wrote outbox mail commits, start one dispatch (not one per mail).

Each thread keeps one pending kick: a callable that, the first time it is called, marks
itself done and starts a dispatch; every later call is a no-op. mail_queue registers that
same kick with Django's public transaction.on_commit(..., robust=True) for every mail it
writes, and takes a fresh kick once the current one is done. Why that is right:

- A mail's registration and its row live and die together: the row is written and the kick
  registered in the same atomic block, so a savepoint rollback that undoes the row drops
  the registration too (Django drops the callbacks registered inside it), and nothing else
  drops either.
- So when a transaction that wrote mail commits, at least one registration of its kick
  survives and is run, after the commit: the first starts one dispatch, the others do
  nothing. The dispatch claims every due row, so it sends all of that transaction's mails.
- A kick is done only once it ran, and it runs only after a commit (or at once in
  autocommit, after the row was saved): a kick that is done is never reused, so a later
  transaction always gets a kick that will run after its own commit.
- A kick whose registrations were all dropped (a rolled-back transaction or savepoint) was
  never called, so it is as good as new: the next mail on this thread registers it again.
- One kick per thread, because a database connection and its transactions belong to one
  thread; no private state of Django's transaction machinery is read.

"Starts one dispatch" means: publishes one, unless a dispatch is waiting in the queue already
and so has yet to claim (dispatch_soon and waiting.py): with commits in quick succession, one
dispatch task serves many of them.

If the broker cannot be reached when the kick runs, the error is logged (robust=True), the
commit stands, and the rows wait for the next dispatch (beat's, every minute).
"""

import threading

from django.db import transaction

from initiatives.outbox.dispatch import dispatch_soon

_local = threading.local()


class _PendingKick:
    __slots__ = ("done",)

    def __init__(self):
        self.done = False

    def __call__(self) -> None:
        if self.done:
            return
        self.done = True
        dispatch_soon()

    def __repr__(self) -> str:  # named in the log when starting the dispatch fails
        return "outbox dispatch after commit"


def dispatch_after_commit() -> None:
    """Start a dispatch once the current transaction commits (at once in autocommit)."""
    kick = getattr(_local, "kick", None)
    if kick is None or kick.done:
        kick = _local.kick = _PendingKick()
    transaction.on_commit(kick, robust=True)
