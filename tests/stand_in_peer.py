"""A peer installation at the edge of the system: a real HTTP server on loopback whose answer
each test chooses, including answers that misbehave on purpose (slow, endless, not JSON, a
redirect, an error). Used by the fetch, admin and "Elders gelukt" tests."""

import contextlib
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FEED_PATH = "/api/v1/stories/"


def story(story_id: str = "1", **overrides) -> dict:
    """Return one story as a peer's feed lists it (stories v1)."""
    return {
        "id": story_id,
        # On the stand-in's own host (any port): a link elsewhere is not kept.
        "url": f"http://127.0.0.1/verhalen/{story_id}/",
        "title": f"Speeltuin De Hoef {story_id}",
        "village": "Cromvoirt",
        "theme": "Spelen",
        "dreamt": "Een speeltuin waar kinderen uit de buurt samen kunnen spelen.",
        "own_part": "Wij hebben de speeltoestellen samen geverfd.",
        "helped_by": "De scouting.",
        "realised_on": "2026-10-01",
        "granted_total": "1250.00",
        "photos": [],
    } | overrides


def feed(*stories: dict, name: str = "Gemeente Vught") -> dict:
    """Return a whole feed (stories v1) listing STORIES."""
    return {
        "format": "dromen-doen/stories/v1",
        "installation": {"name": name, "url": "http://127.0.0.1/"},
        "generated_at": "2026-12-07T12:00:00+01:00",
        "license": "CC0-1.0",
        "next": None,
        "stories": list(stories),
    }


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.requests += 1
        self.server.hosts.append(self.headers.get("Host"))
        # The fetch stops reading a misbehaving answer, as it should.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.server.answer(self)

    def log_message(self, format, *args) -> None:
        pass  # quiet test output


def send(
    handler,
    body: bytes,
    *,
    status: int = 200,
    content_type: str = "application/json",
    headers: dict | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    headers = {"Content-Length": str(len(body))} | (headers or {})
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def json_answer(data, **kwargs) -> Callable:
    body = json.dumps(data).encode() if not isinstance(data, bytes) else data
    return lambda handler: send(handler, body, **kwargs)


def paged_answer(feed_url: str, page: Callable[[int], dict], *, pages: int | None) -> Callable:
    """Answer page N (?page=N, 1 without it) with PAGE(N), its `next` pointing at page N + 1
    on FEED_URL's server; the last of PAGES has no next (None: every page has one)."""

    def answer(handler) -> None:
        query = parse_qs(urlsplit(handler.path).query)
        number = int(query.get("page", ["1"])[0])
        more = pages is None or number < pages
        data = page(number) | {"next": f"{feed_url}?page={number + 1}" if more else None}
        send(handler, json.dumps(data).encode())

    return answer


def slow_answer(seconds: float, data) -> Callable:
    """Answer DATA, but only after SECONDS: beyond the read timeout."""

    def answer(handler) -> None:
        time.sleep(seconds)
        send(handler, json.dumps(data).encode())

    return answer


def dripping_answer(seconds: float) -> Callable:
    """Send the start of a feed, then a space every tenth of a second for SECONDS: every read
    gets something, so only a deadline for the whole answer stops it."""

    def answer(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        handler.wfile.write(b'{"format": "dromen-doen/stories/v1"')
        handler.wfile.flush()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.1)

    return answer


def endless_answer(handler) -> None:
    """Send a JSON list that never ends, without a length."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.end_headers()
    handler.wfile.write(b"[")
    chunk = b'"Elders gelukt", ' * 4096
    for _ in range(10_000):  # 680 MB at most: far beyond any limit, and the test ends anyway
        handler.wfile.write(chunk)


def redirect_answer(location: str) -> Callable:
    def answer(handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


class StandInPeer:
    """A peer's server on 127.0.0.1 with a free port; set `answer` to choose what it sends."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        if tls is not None:  # https: the handshake happens as each request is accepted
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.server.daemon_threads = True
        self.server.requests = 0
        self.server.hosts = []  # the Host header of every request, in order
        self.server.answer = json_answer(feed(story("1")))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def answer(self) -> Callable:
        return self.server.answer

    @answer.setter
    def answer(self, value: Callable) -> None:
        self.server.answer = value

    @property
    def requests(self) -> int:
        return self.server.requests

    @property
    def hosts(self) -> list[str]:
        return self.server.hosts

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def feed_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{FEED_PATH}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port_url() -> str:
    """Return a loopback feed address where nothing listens: the connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{FEED_PATH}"
