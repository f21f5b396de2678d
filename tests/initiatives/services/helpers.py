"""Helpers for the service tests: mails to an address, the timeline's kinds, calls at once."""

import threading
from zoneinfo import ZoneInfo

from django.core import mail
from django.db import connection

from initiatives.models import CoreValue, Dream, Verdict

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ALL_SUPPORT = dict.fromkeys(CoreValue.values, (Verdict.SUPPORTS, "Dit past erbij."))


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def kinds(dream: Dream) -> list[tuple[str, bool]]:
    return list(dream.events.order_by("created_at", "id").values_list("kind", "public"))


RACES = 5


def at_once(*calls):
    """Run CALLS in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # the outcome is what the test checks
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results
