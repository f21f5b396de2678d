"""Re-run a public draw of a citizens' assembly and say whether it gives what was published.

    manage.py assembly_draw_verify https://…/burgerberaad/<slug>/loting/panel-1.json
    manage.py assembly_draw_verify panel-1.json
    manage.py assembly_draw_verify --draw 12

A panel or replacement draw is checked from its published JSON alone
(initiatives/draw_verification.py). The invitation lottery's pool is the register's
addresses, which are not published: it is checked with --draw against this portal's
database, and the drawn positions are printed with the register's ids.
"""

import json
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from initiatives import draw_seed
from initiatives.assembly_models import Invitation, PublicDraw
from initiatives.draw_verification import verify_publication
from initiatives.selectors.assembly_draws import draw_label, draw_publication

MAX_BYTES = 50 * 1024 * 1024


def invitation_rerun(pool: list, number: int, seed: str) -> list:
    """The invitation lottery's draw (initiatives/sortition_invitations.py, stage 1)."""
    try:
        from initiatives.sortition_invitations import invitation_draw_rerun
    except ImportError:  # the same rule, should this branch stand alone
        return draw_seed.draw_random(seed).sample(list(pool), number)
    return invitation_draw_rerun(pool, number, seed)


def read_publication(source: str) -> dict:
    """The published JSON at SOURCE: a web address (http or https) or a file."""
    try:
        if source.startswith(("https://", "http://")):
            request = urllib.request.Request(source, headers={"Accept": "application/json"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - scheme checked
                text = response.read(MAX_BYTES + 1)
        else:
            text = Path(source).read_bytes()[: MAX_BYTES + 1]
    except OSError as error:
        raise CommandError(
            _("Could not read %(source)s: %(error)s") % {"source": source, "error": error}
        ) from error
    if len(text) > MAX_BYTES:
        raise CommandError(_("%(source)s is too large for a published draw.") % {"source": source})
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise CommandError(
            _("%(source)s is not the JSON of a published draw.") % {"source": source}
        ) from error
    if not isinstance(data, dict) or "kind" not in data:
        raise CommandError(
            _("%(source)s is not the JSON of a published draw.") % {"source": source}
        )
    return data


class Command(BaseCommand):
    help = "Re-run a public draw from its published inputs and compare it with what was published."

    def add_arguments(self, parser):
        parser.add_argument(
            "source", nargs="?", help="the draw's published JSON: a file or a web address"
        )
        parser.add_argument("--draw", type=int, help="the id of a draw in this portal's database")

    def handle(self, *args, source=None, draw=None, **options):
        with translation.override(settings.LANGUAGE_CODE):
            if (source is None) == (draw is None):
                raise CommandError(
                    _("Give the published JSON (a file or a web address) or --draw ID.")
                )
            if draw is not None:
                record = PublicDraw.objects.select_related("assembly").filter(pk=draw).first()
                if record is None:
                    raise CommandError(_("There is no draw %(id)s.") % {"id": draw})
                if record.kind == PublicDraw.Kind.INVITATIONS:
                    return self._invitations(record)
                data = draw_publication(record)
            else:
                data = read_publication(source)
                if data.get("kind") == PublicDraw.Kind.INVITATIONS:
                    raise CommandError(
                        _(
                            "The pool of an invitation lottery (the addresses) is not published: "
                            "check it with --draw ID on the portal's database."
                        )
                    )
            self._panel(data)

    def _line(self, text: str) -> None:
        self.stdout.write(text)

    def _check(self, label: str, ok: bool) -> None:
        self._line(("✓ " if ok else "✗ ") + label)

    def _answer(self, same: bool) -> None:
        self._line(
            _("Same outcome as published: %(answer)s") % {"answer": _("yes") if same else _("no")}
        )
        if not same:
            raise CommandError(_("The draw does not give what was published."))

    def _panel(self, data: dict) -> None:
        self._line(
            _("Draw %(draw)s of %(assembly)s")
            % {"draw": data.get("draw", ""), "assembly": data.get("assembly", "")}
        )
        verification = verify_publication(data)
        for label, ok in verification.checks:
            self._check(label, ok)
        for problem in verification.problems:
            self._line("✗ " + problem)
        if verification.void:
            self._check(_("The re-run finds no panel that meets the quotas either"), True)
        if verification.selected:
            self._line(_("Panel (%(count)s people):") % {"count": len(verification.selected)})
            for pseudonym in verification.selected:
                self._line("  " + pseudonym)
        self._answer(verification.same)

    def _invitations(self, draw: PublicDraw) -> None:
        self._line(
            _("Draw %(draw)s of %(assembly)s")
            % {"draw": draw_label(draw), "assembly": draw.assembly.slug}
        )
        if not draw.seed:
            raise CommandError(_("This draw has not been performed yet."))
        pool, number = list(draw.inputs.get("pool") or []), int(draw.inputs.get("number") or 0)
        checks = [
            (
                _("sha256(secret) is the commitment announced before the draw"),
                draw_seed.commitment(draw.secret) == draw.commitment,
            ),
            (
                _("sha256(secret + ':' + witness value) is the seed"),
                draw_seed.seed_of(draw.secret, draw.witness_value) == draw.seed,
            ),
            (
                _("sha256 of the pool is the pool hash announced before the draw"),
                draw_seed.pool_hash(pool) == draw.pool_hash,
            ),
        ]
        for label, ok in checks:
            self._check(label, ok)
        drawn = invitation_rerun(pool, number, draw.seed)
        stored = dict(
            Invitation.objects.filter(draw=draw).values_list("position", "address__bag_id")
        )
        self._line(_("Drawn (position: register id):"))
        for position, register_id in enumerate(drawn, start=1):
            self._line(f"  {position}: {register_id}")
        same_positions = len(stored) == len(drawn) and all(
            stored.get(position) in (register_id, None)
            for position, register_id in enumerate(drawn, start=1)
        )
        self._answer(all(ok for _label, ok in checks) and same_positions)
