"""The audit log of the staff side: who saw a resident's personal data, and who changed what.

A middleware, so the views stay as they are. After a request under /medewerkers/ or under
/beheer/ (the admin: every list, record, history and delete page looked at, and every
change) has been answered it records, through services.audit_record():

- every view of a page that shows a resident's personal data (PERSONAL_DATA_VIEWS), by a
  signed-in user, whatever the answer (a refused look is worth knowing about too);
- every change: each POST (or other unsafe method), whether it succeeded or was refused,
  signed in or not (failed sign-ins included);
- the CSV export of a selection, which is a POST, named as such with the dreams it held;
  the request for an export of all dreams found, with its filters, and each download of
  the file a worker made of it.

It records the answer's HTTP status and the client's address. X-Forwarded-For is only
believed when TRUSTED_PROXY_COUNT says proxies put it there: anyone can send that header.
"""

import ipaddress
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from initiatives import services

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# Staff pages that show a resident's personal data, by URL name: what a look at one is called.
# The workspace shows name, email and phone; a photo may show the resident or their home.
PERSONAL_DATA_VIEWS = {
    "dream_workspace": "view dream",
    "dream_photo": "view photo",
    "export_download": "download export (CSV)",
    # A citizens' assembly (issue 18): the pool shows everyone who registered with their
    # contact details; the outcomes' pages name the panel members who take one up.
    "assembly_pool": "view assembly pool",
    "assembly_outcomes": "view assembly outcomes",
    "assembly_outcome_edit": "view assembly outcome",
    "assembly_outcome_dream": "view assembly outcome",
    # The invitation letters (issue 18): every drawn address with its registration code.
    "assembly_letters": "download invitation letters (PDF)",
}
# What the pk in a staff URL stands for, where it is not a dream.
OBJECT_KINDS = {
    "decision_sign": "decision",
    "approval_decide": "grant",
    "export_download": "export",
    "partner_edit": "partner organisation",
    "assembly_meetings": "assembly",
    "assembly_meeting_edit": "assembly",
    "assembly_outcomes": "assembly",
    "assembly_outcome_edit": "assembly",
    "assembly_outcome_dream": "assembly",
    "assembly_pool": "assembly",
    "assembly_end": "assembly",
    **dict.fromkeys(
        (
            "assembly",
            "assembly_edit",
            "assembly_feature_add",
            "assembly_feature_edit",
            "assembly_feature_remove",
            "assembly_draw_announce",
            "assembly_draw",
            "assembly_draw_perform",
            "assembly_letters",
        ),
        "assembly",
    ),
}


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's IP address: REMOTE_ADDR, or X-Forwarded-For behind trusted proxies.

    Each of TRUSTED_PROXY_COUNT proxies appends the address it was reached from, so the
    client is that many places from the end; whatever stands before it may be made up.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _target(request: HttpRequest) -> str:
    """Return the object a staff request was about, like "dream 12" or "dream 12, photo 3"."""
    match = request.resolver_match
    if match is None or "pk" not in match.kwargs:
        return ""
    kind = OBJECT_KINDS.get(match.url_name, "dream")
    target = f"{kind} {match.kwargs['pk']}"
    if "photo_pk" in match.kwargs:
        target += f", photo {match.kwargs['photo_pk']}"
    if "outcome_pk" in match.kwargs:
        target += f", outcome {match.kwargs['outcome_pk']}"
    if "meeting_pk" in match.kwargs:
        target += f", meeting {match.kwargs['meeting_pk']}"
    return target


def _export_target(request: HttpRequest) -> str:
    ids = [i for i in request.POST.getlist("dream") if re.fullmatch(r"[0-9]{1,18}", i)]
    target = "dreams " + ", ".join(ids)
    return target if len(target) <= 200 else target[:199] + "…"


# Admin pages that show or change records; the index and the app lists show no data.
_ADMIN_PAGES = re.compile(r"^(?P<model>[a-z_]+?)_(?P<page>changelist|change|history|delete)$")


def _admin_what(request: HttpRequest) -> tuple[str, str] | None:
    """Return (action, object) for a request under /beheer/ that must be recorded: every
    look at a list or a record by a signed-in user, and every change by anyone."""
    match = request.resolver_match
    url_name = match.url_name if match is not None else None
    page = _ADMIN_PAGES.match(url_name or "")
    looked = request.method in SAFE_METHODS
    if looked and (page is None or not request.user.is_authenticated):
        return None
    target = ""
    if match is not None and "object_id" in match.kwargs:
        target = f"{page['model'] if page else url_name} {match.kwargs['object_id']}"[:200]
    elif page is not None:
        target = page["model"]
    return f"admin {url_name or 'unknown address'}"[:50], target


def _what(request: HttpRequest) -> tuple[str, str] | None:
    """Return (action, object) when REQUEST must be recorded, else None."""
    match = request.resolver_match
    url_name = match.url_name if match is not None else None
    if request.method in SAFE_METHODS:
        action = PERSONAL_DATA_VIEWS.get(url_name)
        if action is None or match.namespace != "staff" or not request.user.is_authenticated:
            return None
        return action, _target(request)
    if url_name == "dream_bulk" and request.POST.get("action") == "export":
        return "export dreams (CSV)", _export_target(request)
    if url_name == "dream_export":  # which dreams: the filters that find them
        filters = request.POST.get("query_string", "")
        return "ask for export (CSV)", ("filters " + filters if filters else "all dreams")[:200]
    return url_name or "unknown address", _target(request)


class StaffAuditMiddleware:
    """Record staff views of personal data and every staff change in the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self._prefix: tuple[str, str] | None = None

    def _prefixes(self) -> tuple[str, str]:
        # Read on the first request, not at import: the URLconf may not be loaded yet.
        if self._prefix is None:
            self._prefix = (reverse("staff:start"), reverse("admin:index"))
        return self._prefix

    def __call__(self, request: HttpRequest) -> HttpResponse:
        staff_prefix, admin_prefix = self._prefixes()
        if request.path.startswith(admin_prefix):
            judge = _admin_what
        elif request.path.startswith(staff_prefix):
            judge = _what
        else:
            return self.get_response(request)
        # Who it was before the view ran: signing out leaves an anonymous user behind.
        before = request.user
        before.is_authenticated  # noqa: B018 - load the user now, while the session has them
        response = self.get_response(request)
        what = judge(request)
        if what is not None:
            user = request.user if request.user.is_authenticated else before
            services.audit_record(
                user=user if user.is_authenticated else None,
                action=what[0],
                target=what[1],
                method=request.method or "",
                path=request.get_full_path(),
                status=response.status_code,
                ip=client_ip(request),
            )
        return response
