"""The staff's second factor: a code from an authenticator app (TOTP, django-otp).

After the password, a staff member enters the six-digit code; someone without a
confirmed device first sets one up and can reach nothing else until then.
"""

import io

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.forms import NLDesignFormMixin


class CodeForm(NLDesignFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
        error_messages={
            "required": _("Fill in the code from your app."),
            "min_length": _("The code has 6 digits."),
            "max_length": _("The code has 6 digits."),
        },
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        allowed, _details = self.device.verify_is_allowed()
        if not allowed:  # django-otp waits longer after each wrong code: brute force is slow
            raise forms.ValidationError(
                _("Too many wrong codes. Wait a few seconds and fill in the new code.")
            )
        if not code.isdigit() or not self.device.verify_token(code):
            raise forms.ValidationError(
                _("This code is not right or has expired. Fill in the code your app shows now.")
            )
        return code


def needs_second_factor(request) -> bool:
    """Return whether this signed-in staff member still has to give their code."""
    return settings.STAFF_REQUIRE_2FA and not request.user.is_verified()


def second_factor_redirect(request):
    """Send a staff member without a verified second factor to the code or set-up page."""
    target = "staff:two_factor" if user_has_device(request.user) else "staff:two_factor_setup"
    return redirect(f"{reverse(target)}?next={request.get_full_path()}")


def _next(request) -> str:
    candidate = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return reverse("staff:start")


def _staff_only(request):
    if not request.user.is_staff:
        raise Http404


@login_required(login_url="staff:login")
@require_http_methods(["GET", "POST"])
def two_factor(request) -> HttpResponse:
    """Ask the code of the staff member's confirmed device."""
    _staff_only(request)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('staff:two_factor_setup')}?next={_next(request)}")
    form = CodeForm(request.POST if request.method == "POST" else None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_next(request))
    return render(request, "staff/two_factor.html", {"form": form, "next": _next(request)})


@login_required(login_url="staff:login")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), confirm with a code."""
    _staff_only(request)
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"{reverse('staff:two_factor')}?next={_next(request)}")
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator"}
    )
    form = CodeForm(request.POST if request.method == "POST" else None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        return redirect(_next(request))
    qr = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        qr, kind="svg", scale=5, svgns=False, xmldecl=False
    )
    return render(
        request,
        "staff/two_factor_setup.html",
        {
            "form": form,
            "next": _next(request),
            "qr_svg": qr.getvalue().decode(),
            "secret": _base32(device),
        },
    )


def _base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
