"""Partner organisations (issue 17): the staff pages to list, add and change them, and the
workspace's actions to invite one to a dream or withdraw the invitation.

The rules are in initiatives.services.partners: who may, one invitation per organisation
and dream, the link and its mail.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from initiatives import selectors, services
from initiatives.exceptions import NotAllowed
from initiatives.models import Dream
from initiatives.partner_models import Organisation, PartnerInvitation
from staff.partner_forms import OrganisationForm, PartnerInviteForm
from staff.permissions import staff_area
from staff.views import _workspace_action


@staff_area("partners")
@require_GET
def partners(request) -> HttpResponse:
    """Every partner organisation: kind, contact, one face, active."""
    return render(
        request, "staff/partners.html", {"organisations": list(selectors.organisation_list())}
    )


def _organisation_page(request, organisation: Organisation | None) -> HttpResponse:
    posted = request.method == "POST"
    initial = OrganisationForm.initial_of(organisation) if organisation else None
    form = OrganisationForm(request.POST if posted else None, initial=initial)
    if posted and form.is_valid():
        try:
            saved = services.organisation_save(
                by=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("“%(name)s” has been saved.") % {"name": saved.name})
            return redirect("staff:partners")
    return render(
        request,
        "staff/partner_form.html",
        {"form": form, "organisation": organisation},
        status=400 if posted else 200,
    )


@staff_area("partners")
@require_http_methods(["GET", "POST"])
def partner_add(request) -> HttpResponse:
    return _organisation_page(request, None)


@staff_area("partners")
@require_http_methods(["GET", "POST"])
def partner_edit(request, pk: int) -> HttpResponse:
    try:
        organisation = selectors.organisation_of(pk)
    except Organisation.DoesNotExist:
        raise Http404 from None
    return _organisation_page(request, organisation)


# --- in the dream workspace ---------------------------------------------------------------------


def _invited_message(sent: services.PartnerInvitationSent) -> str:
    values = {"name": sent.invitation.organisation.name, "email": sent.invitation.email}
    if sent.renewed:
        return _("The invitation of %(name)s has been renewed; a new link went to %(email)s.") % (
            values
        )
    return _("%(name)s has been invited; the link went to %(email)s.") % values


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_partner_invite(request, pk: int) -> HttpResponse:
    choices = selectors.dream_partners(Dream(pk=pk)).choices
    return _workspace_action(
        request,
        pk,
        form_name="partner_invite_form",
        form=PartnerInviteForm(request.POST, choices=choices),
        action=lambda dream, data: services.partner_invite(
            dream=dream,
            organisation=Organisation(pk=data["organisation"]),
            by=request.user,
            role=data["role"],
            message=data["message"],
        ),
        success=_invited_message,
    )


class _WithdrawForm(forms.Form):
    """Nothing to fill in: the button is the choice."""


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_partner_withdraw(request, pk: int, invitation_pk: int) -> HttpResponse:
    invitation = PartnerInvitation.objects.filter(pk=invitation_pk, dream_id=pk).first()
    if invitation is None:
        raise Http404
    return _workspace_action(
        request,
        pk,
        form_name="partner_withdraw_form",
        form=_WithdrawForm(request.POST),
        action=lambda dream, data: services.partner_invitation_withdraw(
            invitation=invitation, by=request.user
        ),
        success=_("The invitation has been withdrawn: the link no longer works."),
    )
