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
- plain http only with PEER_FEED_ALLOW_HTTP, and only addresses on the internet unless
  PEER_FEED_ALLOW_PRIVATE: the name is resolved once, every address it gives is checked, and
  the connection goes to the checked address (urllib3 directly: requests cannot be told which
  address to use). Proxies from the environment are therefore not used;
- JSON only, and uncompressed (asked for with Accept-Encoding: identity), so the bytes counted
  are the bytes parsed: no small compressed answer unpacks into a large one.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import certifi
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
DEFAULT_PORTS = {"http": 80, "https": 443}


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


def _is_private_name(host: str) -> bool:
    """Whether HOST, as written, is an address that is not on the internet (no DNS asked)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False


def feed_url_refusal(url: str) -> str | None:
    """Return why URL cannot be a peer's feed address, or None when it can.

    https always; plain http only when PEER_FEED_ALLOW_HTTP is on (local trials): over http
    anyone on the way could change what residents read here. An address on this machine or in
    a private network only when PEER_FEED_ALLOW_PRIVATE is on: otherwise whoever may add a peer
    could make this server read its neighbours (SSRF). A name is checked again once resolved,
    when fetching (_checked_address).
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
    if parts.scheme == "http" and not settings.PEER_FEED_ALLOW_HTTP:
        return _(
            "Use an address that starts with https://, so that nobody can change the feed on "
            "the way."
        )
    if _is_private_name(host) and not settings.PEER_FEED_ALLOW_PRIVATE:
        return _not_on_the_internet()
    return None


def _not_on_the_internet() -> str:
    return _("This address is not on the internet. Use the public address of the other portal.")


def _checked_address(host: str, port: int) -> str:
    """Resolve HOST once and return the address to connect to, or raise PeerFeedProblem.

    Every address the name resolves to must be on the internet (ipaddress: is_global), else
    the name may point at this machine or a private network; the fetch then connects to the
    address checked here, not to whatever a second lookup answers (DNS rebinding).
    """
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise PeerFeedProblem(
            _("We could not find the feed's server. Is the address right?")
        ) from exc
    addresses = [info[4][0] for info in found]
    if not addresses:
        raise PeerFeedProblem(_("We could not find the feed's server. Is the address right?"))
    if not settings.PEER_FEED_ALLOW_PRIVATE and not all(
        ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses
    ):
        raise PeerFeedProblem(_not_on_the_internet())
    return addresses[0]


def _read_limited(response: urllib3.BaseHTTPResponse, budget: Budget) -> bytes:
    """Return the body of RESPONSE, stopping when BUDGET's bytes or time run out."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > budget.bytes_left:
        raise PeerFeedProblem(_too_big())
    body = bytearray()
    while True:
        chunk = response.read1(READ_SIZE, decode_content=False)
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


def _check_answer(response: urllib3.BaseHTTPResponse) -> None:
    # Only fixed words and the status number go into last_error: the administrator reads it,
    # and echoing a server's Location or Content-Type would let whoever adds a peer read
    # what some server answers.
    status = response.status
    if 300 <= status < 400:
        raise PeerFeedProblem(
            _(
                "The feed sends us on to another address. We do not follow that: if the feed "
                "has moved, put its new address in the list."
            )
        )
    if status != 200:
        raise PeerFeedProblem(
            _("The feed answered with an error (HTTP %(status)s).") % {"status": status}
        )
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise PeerFeedProblem(_("The feed did not send JSON."))
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        raise PeerFeedProblem(_("The feed came compressed although we asked for it uncompressed."))


def _connection_pool(scheme: str, host: str, port: int) -> urllib3.HTTPConnectionPool:
    """Return a pool that connects to the checked address of HOST, never resolving it again.

    The pool's host is the address itself; https still sends HOST as the server name (SNI)
    and checks the certificate against HOST, and the Host header (set by the caller) names it.
    """
    address = _checked_address(host, port)
    timeout = urllib3.Timeout(
        connect=settings.PEER_FETCH_CONNECT_TIMEOUT_SECONDS,
        read=settings.PEER_FETCH_READ_TIMEOUT_SECONDS,
    )
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            server_hostname=host,
        )
    return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)


def feed_download(url: str, budget: Budget | None = None) -> bytes:
    """Return the body of the feed at URL, or raise PeerFeedProblem saying what went wrong.
    BUDGET: what is left of the fetch's bytes and time (a fresh one by default)."""
    refusal = feed_url_refusal(url)
    if refusal:
        raise PeerFeedProblem(refusal)
    budget = budget or Budget()
    budget.check_time()
    parts = urlsplit(url.strip())
    host = parts.hostname
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    host_header = f"[{host}]" if ":" in host else host
    if parts.port:
        host_header += f":{parts.port}"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        with _connection_pool(parts.scheme, host, port) as pool:
            response = pool.urlopen(
                "GET",
                target,
                headers=HEADERS | {"Host": host_header},
                redirect=False,
                preload_content=False,
                decode_content=False,
            )
            try:
                _check_answer(response)
                return _read_limited(response, budget)
            finally:
                response.release_conn()
    # NewConnectionError is a kind of ConnectTimeoutError in urllib3: it comes first.
    except (urllib3.exceptions.NewConnectionError, ConnectionRefusedError) as exc:
        raise PeerFeedProblem(
            _("We could not reach the feed's server. Is the address right and is it online?")
        ) from exc
    except (urllib3.exceptions.TimeoutError, TimeoutError) as exc:
        raise PeerFeedProblem(
            _("The feed did not answer in time (after %(seconds)s seconds).")
            % {"seconds": f"{settings.PEER_FETCH_READ_TIMEOUT_SECONDS:g}"}
        ) from exc
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise PeerFeedProblem(
            _("The connection to the feed broke off (%(reason)s).") % {"reason": type(exc).__name__}
        ) from exc
