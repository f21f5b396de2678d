"""Residents' accounts, their one-time sign-in links and the dream links in status mails."""

import logging

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from sesame.utils import get_query_string, get_user

from accounts.addresses import email_normalise
from accounts.models import User
from initiatives.models import Dream
from initiatives.notifications import mail_queue
from initiatives.tokens import dream_link_token_make

logger = logging.getLogger(__name__)


def resident_get_or_create(*, email: str, language: str = "") -> User:
    """Return the account for EMAIL, creating a resident account on first use."""
    email = email_normalise(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, language=language or settings.LANGUAGE_CODE)
    return user


def _sign_in_scope(number: int) -> str:
    return f"sign-in:{number}"


def sign_in_link_build(*, user: User, next_url: str) -> str:
    """Return an absolute one-time sign-in link for USER that lands on NEXT_URL.

    The link carries the number of USER's newest link, signed into the token's scope, so
    that a link stops working as soon as a newer one is sent.
    """
    number = user.sign_in_links_sent
    # "?sesame=…": single use, valid SESAME_MAX_AGE seconds, for this number only.
    query = get_query_string(user, scope=_sign_in_scope(number))
    path = reverse("residents:sign_in_link")
    return f"{settings.SITE_URL}{path}{query}&{urlencode({'n': number, 'next': next_url})}"


def dream_link_build(dream: Dream) -> str:
    """Return the absolute link a status mail gives to DREAM: for DREAM_LINK_DAYS days it
    opens that one dream, to read and answer it, as often as needed; it signs no one in."""
    path = reverse("residents:dream_link", args=[dream_link_token_make(dream)])
    return f"{settings.SITE_URL}{path}"


def sign_in_link_user(request) -> User | None:
    """Return the resident a sign-in link in REQUEST signs in, or None when it does not work:
    expired, used before, altered, or not the newest link sent."""
    number = request.GET.get("n", "")
    if not number.isdigit() or len(number) > 9:
        return None
    # Checking an older link must not use up the newest one: last_login (which one-time
    # tokens are bound to) moves only once the link is known to be the newest.
    user = get_user(request, scope=_sign_in_scope(int(number)), update_last_login=False)
    if user is None or user.sign_in_links_sent != int(number):
        return None
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])  # used up: the link works once
    return user


def sign_in_link_request(*, email: str, next_url: str = "", language: str = "") -> None:
    """Ask for a sign-in link for EMAIL, in the same time whoever EMAIL belongs to.

    The sign-in form answers before anything is looked up: a worker does the lookup and
    writes the mail (sign_in_link_send), so a resident's, a staff member's and an unknown
    address all cost the request one message to the broker. Without a broker (the embedded
    default) or when it cannot be reached, the work is done here, as before.
    """
    work = {"email": email, "next_url": next_url, "language": language}
    if current_app.conf.task_always_eager:
        sign_in_link_send(**work)
        return
    try:
        # One try to connect and short socket timeouts: Celery's own policy retries for
        # seconds, which a resident waiting for the page must not (issue 13, item 1).
        quick = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
        with current_app.connection_for_write(transport_options=quick) as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
            current_app.send_task(
                "initiatives.tasks.sign_in_link_send",
                kwargs=work,
                retry=False,
                connection=connection,
            )
    except Exception as exc:  # the broker is away: the resident still gets their link
        logger.warning("Broker unreachable for a sign-in link (%s): done in the request", exc)
        sign_in_link_send(**work)


@transaction.atomic
def sign_in_link_send(*, email: str, next_url: str = "", language: str = "") -> None:
    """Mail a one-time sign-in link to EMAIL.

    The same happens whether or not the address is known, so the answer never
    tells a stranger who has an account here. Sending a link never ends a session the
    resident already has: a stranger can ask for links, but cannot sign anyone out.
    """
    user = resident_get_or_create(email=email, language=language)
    if not user.is_active or user.is_staff:
        return  # staff sign in with password and second factor, never by link
    User.objects.filter(pk=user.pk).update(sign_in_links_sent=F("sign_in_links_sent") + 1)
    user.refresh_from_db(fields=["sign_in_links_sent"])
    link = sign_in_link_build(user=user, next_url=next_url or reverse("residents:my_dreams"))
    mail_queue(
        to=user,
        template="sign_in_link",
        context={"link": link, "minutes": settings.SESAME_MAX_AGE // 60},
    )
