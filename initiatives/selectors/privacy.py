"""Privacy: what the portal holds about a resident (the data export), what erasing withdraws."""

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import NotificationMode, User
from initiatives.assembly_models import Participant
from initiatives.models import Dream, DreamPhoto, EventKind, OutboxMail, TimelineEvent
from initiatives.publication_models import PublicationPhoto
from initiatives.selectors.residents import dreams_of_resident
from initiatives.statuses import WITHDRAWABLE, Status


def resident_data_export(*, resident: User) -> dict:
    """Return everything the portal holds about RESIDENT that is theirs (AVG/GDPR article 15).

    The account, each dream with its fields, the timeline the resident sees (messages
    included), links to its photos and the mails sent to them. Never internal notes, contact
    moments, reviews, staff contact details or anything about other residents. Photos are
    links to the resident's own private photo addresses, not the images themselves: they
    open once signed in, and the file stays small. Labels are in the active language;
    times are aware datetimes (DjangoJSONEncoder writes them as ISO 8601).
    """
    visible_events = TimelineEvent.objects.filter(public=True).select_related("actor")
    dreams = (
        dreams_of_resident(resident=resident)
        .prefetch_related(
            Prefetch(
                "events",
                queryset=visible_events.order_by("created_at", "id"),
                to_attr="public_events",
            ),
            Prefetch("photos", queryset=DreamPhoto.objects.order_by("created_at", "id")),
            # What they chose to share publicly (issue 19), with the photos chosen for it.
            Prefetch(
                "publication__photos",
                queryset=PublicationPhoto.objects.order_by("role", "chosen_at", "id"),
            ),
        )
        .select_related("publication")
    )
    languages = dict(settings.LANGUAGES)
    messages = {EventKind.MESSAGE_FROM_RESIDENT, EventKind.MESSAGE_TO_RESIDENT}

    def author(event: TimelineEvent) -> str:
        if event.actor_id is None:
            return "Dromen.Doen"  # a scheduled update, written by the portal itself
        if event.actor_id == resident.pk:
            return _("you")
        return event.actor.get_full_name()  # staff: their name only, never their address

    def status_label(value: str) -> str:
        return str(Status(value).label) if value else ""

    def publication_data(dream: Dream) -> dict | None:
        publication = getattr(dream, "publication", None)
        if publication is None:
            return None
        return {
            "shared": publication.is_shared,
            "title": publication.title,
            "dreamt": publication.dreamt,
            "own_part": publication.own_part,
            "helped_by": publication.helped_by,
            "staff_may_choose_photos": publication.staff_may_choose_photos,
            "consented_at": publication.consented_at,
            "withdrawn_at": publication.withdrawn_at,
            "story_published_at": publication.story_published_at,
            "photos": [
                {"photo": chosen.photo_id, "role": chosen.role, "alt_text": chosen.alt_text}
                for chosen in publication.photos.all()
            ],
        }

    def dream_data(dream: Dream) -> dict:
        timeline = [
            {
                "time": event.created_at,
                "kind": event.kind,
                "what": event.get_kind_display(),
                "by": author(event),
                "from_status": status_label(event.from_status),
                "to_status": status_label(event.to_status),
                "text": event.body,
            }
            for event in dream.public_events
        ]
        return {
            "number": dream.pk,
            "title": dream.title,
            "story": dream.story,
            "own_contribution": dream.own_contribution,
            "needs_from_municipality": dream.needs_from_municipality,
            "neighbourhood": dream.neighbourhood.name,
            "theme": dream.theme.name,
            "location": dream.location,
            "show_publicly": dream.show_publicly,
            "contact_name": dream.contact_name,
            "contact_phone": dream.contact_phone,
            "status": dream.status,
            "status_label": status_label(dream.status),
            "mogelijkmaker": dream.contact.get_full_name() if dream.contact_id else "",
            "created_at": dream.created_at,
            "submitted_at": dream.submitted_at,
            "closed_at": dream.closed_at,
            "photos": [
                {
                    "number": photo.pk,
                    "url": settings.SITE_URL
                    + reverse("residents:dream_photo", args=[dream.pk, photo.pk]),
                    "content_type": photo.content_type,
                    "width": photo.width,
                    "height": photo.height,
                    "added_at": photo.created_at,
                }
                for photo in dream.photos.all()
            ],
            "publication": publication_data(dream),
            "timeline": timeline,
            "messages": [
                {"time": item["time"], "by": item["by"], "text": item["text"]}
                for item, event in zip(timeline, dream.public_events, strict=True)
                if event.kind in messages
            ],
        }

    mails = OutboxMail.objects.filter(recipient=resident).order_by("created_at", "id")
    # A citizens' assembly (issue 18): what they typed when they registered, found by their
    # account (an outcome they took up) or by their address.
    registrations = (
        Participant.objects.filter(Q(user=resident) | Q(email__iexact=resident.email))
        .select_related("assembly")
        .order_by("registered_at", "id")
    )
    return {
        "exported_at": timezone.now(),
        "account": {
            "email": resident.email,
            "full_name": resident.full_name,
            "phone": resident.phone,
            "language": resident.language,
            "language_label": str(languages.get(resident.language, resident.language)),
            "notification_mode": resident.notification_mode,
            "notification_mode_label": str(NotificationMode(resident.notification_mode).label),
            "date_joined": resident.date_joined,
            "last_login": resident.last_login,
        },
        "dreams": [dream_data(dream) for dream in dreams],
        # Subjects and times only: the texts repeat the timeline and hold sign-in links.
        "emails": [
            {
                "subject": mail.subject,
                "to": mail.to_email,
                "written_at": mail.created_at,
                "sent_at": mail.sent_at,
                "state": mail.get_state_display(),
            }
            for mail in mails
        ],
        "citizens_assemblies": [
            {
                "assembly": participant.assembly.title,
                "pseudonym": participant.pseudonym,
                "name": participant.name,
                "email": participant.email,
                "phone": participant.phone,
                "availability": participant.availability,
                "answers": participant.features,
                "state": participant.get_state_display(),
                "registered_at": participant.registered_at,
            }
            for participant in registrations
        ],
    }


def dreams_withdrawn_on_erase(*, resident: User) -> QuerySet[Dream]:
    """Return the resident's dreams that erasing the account would withdraw (still open)."""
    return dreams_of_resident(resident=resident).filter(status__in=WITHDRAWABLE)
