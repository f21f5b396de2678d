"""The workspace's partner panel (issue 17): a dream's invitations and the form to invite an
organisation, read in one query, and only when the panel is shown."""

from initiatives import selectors, services
from staff.partner_forms import PartnerInviteForm


def partner_panel_context(dream, forms_in_use: dict, when_shown) -> dict:
    """The panel's context for the workspace: WHEN_SHOWN (staff.views._when_shown) makes each
    value a function the template calls once, when it shows the panel."""
    panel = when_shown(lambda: selectors.dream_partners(dream))
    return {
        "partners": panel,
        "partner_invite_form": forms_in_use.get("partner_invite_form")
        or when_shown(lambda: PartnerInviteForm(choices=panel().choices)),
        "partner_withdraw_refusal": forms_in_use.get("partner_withdraw_form"),
        "partner_link_days": services.partner_link_days(),
    }
