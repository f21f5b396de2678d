"""Celery tasks: thin, they take ids and call a service. Each is safe to run twice."""

from celery import shared_task

from initiatives import services
from initiatives.outbox import dispatch as outbox
from initiatives.services import assembly_invitations, assembly_panel, exports


@shared_task
def outbox_dispatch() -> dict:
    """Send the outbox mails that are due: after each commit that wrote mail, every minute."""
    return outbox.dispatch()


@shared_task
def silence_rule() -> dict:
    return services.silence_rule_apply()


@shared_task
def promises_check() -> dict:
    return services.promises_check()


@shared_task
def daily_digest() -> int:
    return services.outbox_digest_send()


@shared_task
def weekly_report() -> int:
    """Monday morning: build last week's report and mail it to the managers, once."""
    monday = services.last_monday()
    services.weekly_report_build(monday=monday)
    return services.weekly_report_mail(monday=monday)


@shared_task
def retention() -> dict:
    """At night: remove personal data past its retention period (AVG/GDPR), once."""
    return services.retention_apply()


@shared_task(acks_late=True)
def sign_in_link_send(email: str, next_url: str = "", language: str = "") -> None:
    """Look EMAIL up and mail it a sign-in link (services.sign_in_link_request says why here)."""
    services.sign_in_link_send(email=email, next_url=next_url, language=language)


@shared_task(
    acks_late=True,
    soft_time_limit=exports.BUILD_SOFT_TIME_LIMIT,
    time_limit=exports.BUILD_TIME_LIMIT,
)
def export_build(export_id: int) -> str:
    """Write a staff CSV export to its file; it is ready only when every row is in it."""
    return services.export_build(export_id=export_id)


@shared_task
def exports_sweep() -> dict:
    """Every minute: take back exports of stopped workers, delete expired files."""
    return services.exports_sweep()


@shared_task(
    acks_late=True,
    soft_time_limit=assembly_invitations.LETTERS_SOFT_TIME_LIMIT,
    time_limit=assembly_invitations.LETTERS_TIME_LIMIT,
)
def assembly_letters_build(draw_id: int) -> str:
    """Make the invitation letters of a performed draw as one PDF, for the print shop."""
    return services.invitation_letters_build(draw_id=draw_id)


@shared_task(
    acks_late=True,
    soft_time_limit=assembly_panel.COMPUTE_SOFT_TIME_LIMIT,
    time_limit=assembly_panel.COMPUTE_TIME_LIMIT,
)
def assembly_draw_compute(draw_id: int) -> str:
    """Select the panel (or the replacements) of a performed draw: up to a quarter of an hour."""
    draw = services.draw_compute(draw_id=draw_id)
    if draw is None or not draw.result:
        return ""
    return "void" if "infeasible" in draw.result else f"{len(draw.result['selected'])} selected"
