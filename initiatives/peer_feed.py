"""Downloading another installation's stories feed, trusting nothing about the answer.

A peer's server may be slow, send without end, send us elsewhere or answer with an error; each
of these becomes a PeerFeedProblem whose text says in plain words what went wrong (the
administrator reads it in /beheer/). Limits come from the settings PEER_FETCH_*:

- a connect timeout, a timeout for every read, and a deadline for the whole answer, checked
  after every read: a server that sends one byte every few seconds never hits the read timeout;
- at most PEER_FETCH_MAX_BYTES, counted as the body arrives, never more read into memory;
- the deadline and the bytes are a Budget shared by all pages of one fetch
  (peer_feed_pages.py follows a feed's `next`), so more pages never mean more time or memory;
- no redirects at all: the administrator chose this address, not the peer;
- JSON only, and uncompressed (asked for with Accept-Encoding: identity), so the bytes counted
  are the bytes parsed: no small compressed answer unpacks into a large one.
"""

import ipaddress
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

# One read asks for at most this much; it returns as soon as anything has arrived (read1).
READ_SIZE = 64 * 1024
HEADERS = {
    "Accept": "application/json",
    "Accept-Encoding": "identity",
    "User-Agent": "Dromen.Doen peer fetch (stories v1)",
}


class PeerFeedProblem(Exception):
    """A feed that could not be used; str() is the reason in plain words."""


@dataclass
class Budget:
    """What one fetch may still spend, over all its pages: bytes, and time up to a deadline
    (time.monotonic()). Made when the fetch starts, from the settings PEER_FETCH_*."""

    bytes_left: int = field(default_factory=lambda: settings.PEER_FETCH_MAX_BYTES)
    deadline: float = field(
        default_factory=lambda: time.monotonic() + settings.PEER_FETCH_TOTAL_SECONDS
    )

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise PeerFeedProblem(
                _("The feed took longer than %(seconds)s seconds to arrive. We stopped waiting.")
                % {"seconds": f"{settings.PEER_FETCH_TOTAL_SECONDS:g}"}
            )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def feed_url_refusal(url: str) -> str | None:
    """Return why URL cannot be a peer's feed address, or None when it can.

    https always; http only on this machine (loopback), or anywhere when PEER_FEED_ALLOW_HTTP
    is on: over plain http anyone on the way could change what residents read here.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return _("This is not a web address.")
    if parts.scheme not in ("http", "https") or not host:
        return _("The address must start with https:// and name a server.")
    if parts.username or parts.password:
        return _("Leave the user name and password out of the address.")
    if parts.scheme == "http" and not (settings.PEER_FEED_ALLOW_HTTP or _is_loopback(host)):
        return _(
            "Use an address that starts with https://, so that nobody can change the feed on "
            "the way."
        )
    return None


def _read_limited(response: requests.Response, budget: Budget) -> bytes:
    """Return the body of RESPONSE, stopping when BUDGET's bytes or time run out."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > budget.bytes_left:
        raise PeerFeedProblem(_too_big())
    body = bytearray()
    while True:
        chunk = response.raw.read1(READ_SIZE, decode_content=False)
        if not chunk:
            return bytes(body)
        body += chunk
        budget.bytes_left -= len(chunk)
        if budget.bytes_left < 0:
            raise PeerFeedProblem(_too_big())
        budget.check_time()


def _too_big() -> str:
    return _("The feed is larger than %(kilobytes)s kB. We stopped reading it.") % {
        "kilobytes": settings.PEER_FETCH_MAX_BYTES // 1024
    }


def _check_answer(response: requests.Response) -> None:
    status = response.status_code
    if 300 <= status < 400:
        return_to = response.headers.get("Location", "")[:200]
        raise PeerFeedProblem(
            _(
                "The feed sends us on to another address (%(address)s). We do not follow that: "
                "if the new address is right, put it in the list."
            )
            % {"address": return_to or "?"}
        )
    if status != 200:
        raise PeerFeedProblem(
            _("The feed answered with an error (HTTP %(status)s).") % {"status": status}
        )
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise PeerFeedProblem(
            _("The feed did not send JSON but “%(type)s”.") % {"type": content_type[:100] or "?"}
        )
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        raise PeerFeedProblem(_("The feed came compressed although we asked for it uncompressed."))


def feed_download(url: str, budget: Budget | None = None) -> bytes:
    """Return the body of the feed at URL, or raise PeerFeedProblem saying what went wrong.
    BUDGET: what is left of the fetch's bytes and time (a fresh one by default)."""
    refusal = feed_url_refusal(url)
    if refusal:
        raise PeerFeedProblem(refusal)
    budget = budget or Budget()
    budget.check_time()
    timeout = (
        settings.PEER_FETCH_CONNECT_TIMEOUT_SECONDS,
        settings.PEER_FETCH_READ_TIMEOUT_SECONDS,
    )
    try:
        with requests.get(
            url.strip(), headers=HEADERS, timeout=timeout, stream=True, allow_redirects=False
        ) as response:
            _check_answer(response)
            return _read_limited(response, budget)
    except (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError) as exc:
        raise PeerFeedProblem(
            _("The feed did not answer in time (after %(seconds)s seconds).")
            % {"seconds": f"{settings.PEER_FETCH_READ_TIMEOUT_SECONDS:g}"}
        ) from exc
    except requests.ConnectionError as exc:
        raise PeerFeedProblem(
            _("We could not reach the feed's server. Is the address right and is it online?")
        ) from exc
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        raise PeerFeedProblem(
            _("The connection to the feed broke off (%(reason)s).") % {"reason": type(exc).__name__}
        ) from exc
