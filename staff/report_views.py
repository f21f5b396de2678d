"""The managers' weekly report ("keek op de week"): the page, its CSV and its PDF.

The figures come from the week's WeeklyReport snapshot, built on Monday morning by the
weekly_report task. The pages only read: a past week without a snapshot is handed to its
task (initiatives.report_tasks), and the page says it is being prepared until it is there.
"""

import csv
import functools
import io
import re
from datetime import date, timedelta

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from initiatives import report_tasks, selectors, services
from initiatives.models import CoreValue, WeeklyReport
from initiatives.services.exports import csv_safe
from initiatives.statuses import Status
from initiatives.weeks import week_name
from staff import reports
from staff.permissions import staff_area

EARLIEST_WEEK = date(2000, 1, 3)  # a Monday; further back there is nothing to report
REPORT_CSS = ("css/report.css",)  # also given to WeasyPrint, read through the finders


class BadWeek(Exception):
    """The ?week= asked for is not a week that can be reported on."""

    def __init__(self, message: str, suggestion: date | None = None):
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


def _requested_week(request) -> date:
    """Return the Monday asked for with ?week=YYYY-MM-DD, or last week's; raise BadWeek."""
    raw = request.GET.get("week", "").strip()
    if not raw:
        return services.last_monday()
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
            raise ValueError(raw)
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadWeek(
            _(
                "“%(value)s” is not a date. Choose a week below, or give its Monday"
                " as year-month-day, for example %(example)s."
            )
            % {"value": raw[:40], "example": services.last_monday().isoformat()}
        ) from None
    monday = day - timedelta(days=day.weekday())
    if monday > services.last_monday():
        ready = monday + timedelta(weeks=1) if monday < date(9999, 12, 25) else monday
        raise BadWeek(
            _(
                "The week of %(date)s has not ended yet. Its report can be read from the"
                " Monday after it, %(ready)s."
            )
            % {"date": date_format(day, "j F Y"), "ready": date_format(ready, "j F Y")},
            suggestion=services.last_monday(),
        )
    if monday < EARLIEST_WEEK:
        raise BadWeek(_("The report does not go back that far."), suggestion=EARLIEST_WEEK)
    if day != monday:
        raise BadWeek(
            _("A report week starts on a Monday, and %(date)s is a %(weekday)s.")
            % {"date": date_format(day, "j F Y"), "weekday": date_format(day, "l")},
            suggestion=monday,
        )
    return day


def _report(monday: date) -> WeeklyReport | None:
    """Return the week's snapshot; without one, ask its task for it and return None."""
    report = selectors.weekly_report_for(monday)
    if report is None:
        report_tasks.weekly_report_request(monday)
    return report


def _being_prepared(request, monday: date) -> HttpResponse:
    context = {"preparing": True, "monday": monday, "week_label": week_name(monday)}
    return render(request, "staff/report/report.html", context | _navigation(monday))


def _weeks_with_a_report() -> list[dict]:
    return [
        {"monday": monday, "label": week_name(monday)}
        for monday in WeeklyReport.objects.order_by("-week_start").values_list(
            "week_start", flat=True
        )
    ]


def _promised_days(promise: dict, setting: str) -> int:
    if promise.get("within") is not None:
        return promise["within"]
    # Built before snapshots said so: the promise as it stands now.
    return getattr(selectors.service_promises(), setting)


def _tensions_by_value(tensions: list[dict]) -> list[dict]:
    """Group every tension of the week under the core value it is about."""
    groups = {value.label: [] for value in CoreValue}
    for tension in tensions:
        for label, reasoning in zip(tension["values"], tension["reasonings"], strict=False):
            groups.setdefault(label, []).append({**tension, "reasoning": reasoning})
    return [{"value": label, "items": items} for label, items in groups.items()]


def _context(report: WeeklyReport) -> dict:
    """What the page and the PDF show: the snapshot's figures, compared and charted."""
    figures = report.figures
    now, before = figures["current"], figures.get("previous") or {}
    flow, flow_before = now["flow"], before.get("flow", {})
    promises, promises_before = now["promises"], before.get("promises", {})
    pick_up_days = _promised_days(promises["pick_up"], "pick_up_working_days")
    contact_days = _promised_days(promises["first_contact"], "first_contact_working_days")
    pick_up_label = reports.promise_label("pick_up", pick_up_days)
    contact_label = reports.promise_label("first_contact", contact_days)

    def share(which: str, week: dict):
        return week.get(which, {}).get("in_time_share")

    headline = [
        reports.compare_counts(
            _("New dreams"), now["intake"]["total"], before.get("intake", {}).get("total")
        ),
        reports.compare_counts(_("Picked up"), flow["picked_up"], flow_before.get("picked_up")),
        reports.compare_counts(_("Realised"), flow["realised"], flow_before.get("realised")),
        reports.compare_counts(
            _("Open at the end of the week"), flow["open_total"], flow_before.get("open_total")
        ),
        reports.compare_shares(
            pick_up_label, share("pick_up", promises), share("pick_up", promises_before)
        ),
        reports.compare_shares(
            contact_label, share("first_contact", promises), share("first_contact", promises_before)
        ),
    ]
    flow_rows = [
        reports.compare_counts(label, flow.get(key), flow_before.get(key))
        for key, label in reports.FLOW_LABELS
    ]
    open_before = flow_before.get("open_by_status", {})
    open_rows = [
        reports.Row(Status(status).label, count, open_before.get(status, 0))
        for status, count in flow["open_by_status"].items()
    ]
    reviews, reviews_before = now["reviews"], before.get("reviews", {})

    promise_rows = []
    for key, label in (("pick_up", pick_up_label), ("first_contact", contact_label)):
        promise = promises[key]
        promise_rows.append(
            {
                "label": label,
                "count": promise["count"],
                "share": reports.share_text(promise["in_time_share"]),
                "previous": reports.share_text(share(key, promises_before)),
                "median": reports.days_text(promise["median"]),
                "p90": reports.days_text(promise["p90"]),
                "meter": reports.meter(
                    promise["in_time_share"],
                    id=f"chart-promise-{key}",
                    title=label,
                    desc=(
                        _("Kept for %(share)s of %(count)s dreams measured this week.")
                        % {
                            "share": reports.share_text(promise["in_time_share"]),
                            "count": promise["count"],
                        }
                        if promise["count"]
                        else _("Nothing to measure this week.")
                    ),
                ),
            }
        )

    money_before = {fund["fund"]: fund for fund in before.get("money", [])}
    money_rows = []
    for n, fund in enumerate(now.get("money", [])):
        granted_year = reports.to_decimal(fund["granted_year"])
        whole = granted_year + reports.to_decimal(fund["balance"])
        used = float(granted_year / whole) if whole > 0 else None
        money_rows.append(
            {
                "fund": fund["fund"],
                "week": reports.money_text(fund["granted_week"]),
                "previous_week": reports.money_text(
                    money_before.get(fund["fund"], {}).get("granted_week", 0)
                ),
                "year": reports.money_text(fund["granted_year"]),
                "balance": reports.money_text(fund["balance"]),
                "meter": reports.meter(
                    used,
                    id=f"chart-fund-{n}",
                    title=_("%(fund)s: granted this year") % {"fund": fund["fund"]},
                    desc=_("%(granted)s granted of %(whole)s; %(balance)s left.")
                    % {
                        "granted": reports.money_text(granted_year),
                        "whole": reports.money_text(whole),
                        "balance": reports.money_text(fund["balance"]),
                    },
                ),
            }
        )

    trend = figures.get("trend", [])
    weeks = [week["week"] for week in trend]
    tensions = now.get("tensions", [])
    dilemmas = [t for t in tensions if t.get("dilemma")] + now.get("dilemmas", [])
    workload = now.get("workload", [])
    granted_week = sum(
        (reports.to_decimal(fund["granted_week"]) for fund in now.get("money", [])),
        reports.to_decimal(0),
    )
    return {
        "report": report,
        "monday": report.week_start,
        "week_label": week_name(report.week_start),
        "sunday": report.week_start + timedelta(days=6),
        "figures": now,
        "headline": headline,
        "flow_rows": flow_rows,
        "open_rows": open_rows,
        "open_chart": reports.bar_chart(
            [(row.label, row.current) for row in open_rows],
            id="chart-open",
            title=_("Open dreams at the end of the week, by status"),
        ),
        "intake_neighbourhoods": reports.compare_rows(
            now["intake"]["by_neighbourhood"], before.get("intake", {}).get("by_neighbourhood")
        ),
        "intake_themes": reports.compare_rows(
            now["intake"]["by_theme"], before.get("intake", {}).get("by_theme")
        ),
        "neighbourhood_chart": reports.bar_chart(
            now["intake"]["by_neighbourhood"],
            id="chart-neighbourhoods",
            title=_("New dreams by village or neighbourhood"),
        ),
        "theme_chart": reports.bar_chart(
            now["intake"]["by_theme"], id="chart-themes", title=_("New dreams by theme")
        ),
        "promise_rows": promise_rows,
        "review_rows": [
            reports.compare_counts(
                _("Core-value reviews"), reviews["count"], reviews_before.get("count")
            ),
            reports.compare_counts(
                _("Reviews with a tension"),
                reviews["with_tension"],
                reviews_before.get("with_tension"),
            ),
        ],
        "silence": now.get("silence", []),
        # The report keeps the SILENT_SHOWN longest silent: a full list means there were more.
        "silence_full": len(now.get("silence", [])) >= selectors.SILENT_SHOWN,
        "tensions": tensions,
        "tensions_by_value": _tensions_by_value(tensions),
        "dilemmas": dilemmas,
        # Issue 17: snapshots built before it have none of these three; then they are left out.
        "dilemma_items": reports.dilemma_rows(now["dilemma_items"])
        if "dilemma_items" in now
        else None,
        "dilemmas_full": len(now.get("dilemma_items", [])) >= selectors.DILEMMAS_SHOWN,
        "partners": reports.partner_figures(now["partners"], granted_week)
        if "partners" in now
        else None,
        "situation": now.get("situation"),
        "not_possible_reasons": now.get("not_possible_reasons", []),
        "money_rows": money_rows,
        # Snapshots built before issue 16 have no funds' section: then it is left out.
        "fund_rows": reports.fund_rows(now["funds"]) if "funds" in now else None,
        "workload": workload,
        "workload_chart": reports.bar_chart(
            [(person["name"], person["open"]) for person in workload],
            id="chart-workload",
            title=_("Open dreams per MogelijkMaker at the end of the week"),
        ),
        "trend": trend,
        "trend_counts": reports.column_chart(
            weeks,
            {
                _("New dreams"): [week["intake"] for week in trend],
                _("Realised"): [week["realised"] for week in trend],
            },
            id="chart-trend-counts",
            title=_("New and realised dreams, the last %(n)s weeks") % {"n": len(trend)},
        )
        if trend
        else None,
        "trend_shares": reports.share_line_chart(
            weeks,
            {
                _("Picked up in time"): [week["pick_up_share"] for week in trend],
                _("First contact in time"): [week["first_contact_share"] for week in trend],
            },
            id="chart-trend-shares",
            title=_("Promises kept, the last %(n)s weeks") % {"n": len(trend)},
        )
        if trend
        else None,
        "trend_rows": [
            {
                "week": week_name(week["week"]),
                "intake": week["intake"],
                "realised": week["realised"],
                "pick_up": reports.share_text(week["pick_up_share"]),
                "first_contact": reports.share_text(week["first_contact_share"]),
            }
            for week in trend
        ],
        "pick_up_label": pick_up_label,
        "contact_label": contact_label,
    }


def _navigation(monday: date) -> dict:
    later = monday + timedelta(weeks=1)
    earlier = monday - timedelta(weeks=1)
    return {
        "earlier_week": earlier if earlier >= EARLIEST_WEEK else None,
        "later_week": later if later <= services.last_monday() else None,
        "weeks": _weeks_with_a_report(),
    }


def _bad_week(request, error: BadWeek) -> HttpResponse:
    context = {
        "error": error.message,
        "suggestion": error.suggestion,
        "suggestion_label": week_name(error.suggestion) if error.suggestion else "",
        "weeks": _weeks_with_a_report(),
    }
    return render(request, "staff/report/report.html", context, status=400)


@staff_area("reports")
@require_GET
def report(request) -> HttpResponse:
    try:
        monday = _requested_week(request)
    except BadWeek as error:
        return _bad_week(request, error)
    report = _report(monday)
    if report is None:
        return _being_prepared(request, monday)
    context = _context(report) | _navigation(monday)
    return render(request, "staff/report/report.html", context)


@staff_area("reports")
@require_GET
def report_csv(request) -> HttpResponse:
    try:
        monday = _requested_week(request)
    except BadWeek as error:
        return _bad_week(request, error)
    report = _report(monday)
    if report is None:  # the page says it is being prepared, and offers the file when ready
        return redirect(f"{reverse('staff:report')}?week={monday.isoformat()}")
    out = io.StringIO()
    out.write("\ufeff")  # a byte-order mark, so that spreadsheets read the file as UTF-8
    writer = csv.writer(out, delimiter=";")
    for row in reports.csv_rows(report.figures):
        writer.writerow([csv_safe(str(cell)) for cell in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment(report.week_start, "csv")
    return response


def _attachment(monday: date, extension: str) -> str:
    """A download named like the page: "Keek op de week, week 48, 23-29 november 2026.pdf"."""
    name = _("Keek op de week, %(week)s") % {"week": week_name(monday)}
    return content_disposition_header(as_attachment=True, filename=f"{name}.{extension}")


@functools.cache
def _url_fetcher():
    """WeasyPrint fetches nothing: the styles are given inline and the charts are inline SVG.

    One per process: making a URLFetcher sets up its (unused) HTTPS handler, which is slow.
    """
    from weasyprint.urls import URLFetcher

    class NoNetwork(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"The report PDF fetches nothing from outside: {url}")

    return NoNetwork()


def render_pdf(html: str) -> bytes:
    """Return HTML as a PDF, with the report's style sheets read from the static files."""
    from weasyprint import CSS, HTML

    fetcher = _url_fetcher()
    sheets = []
    for name in REPORT_CSS:
        with open(finders.find(name), encoding="utf-8") as sheet:
            sheets.append(CSS(string=sheet.read(), url_fetcher=fetcher))
    document = HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=sheets)


@staff_area("reports")
@require_GET
def report_pdf(request) -> HttpResponse:
    try:
        monday = _requested_week(request)
    except BadWeek as error:
        return _bad_week(request, error)
    report = _report(monday)
    if report is None:
        return redirect(f"{reverse('staff:report')}?week={monday.isoformat()}")
    context = _context(report) | {"pdf": True, "link_base": settings.SITE_URL}
    html = render_to_string("staff/report/report_pdf.html", context, request=request)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = _attachment(report.week_start, "pdf")
    return response
