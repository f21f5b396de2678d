"""A citizens' assembly's public pages (issue 18): the assembly, and registering with the
code from the letter.

Registering takes two steps on one address, without JavaScript: the code, then the form.
The code is not carried in the URL: once it is right, the form carries a signed hidden
field naming the invitation (the code itself is never sent back), and registering checks
the invitation again. Wrong codes are counted per IP address; above
RATELIMIT_ASSEMBLY_CODE_PER_IP an hour the page says "too many attempts" (429), with the
code that was typed kept in the field. Right codes are not counted: a community centre
where many neighbours register over one connection is not an attacker.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage

from assemblies.forms import CodeForm, RegistrationForm
from initiatives import selectors, services
from initiatives.assembly_models import Assembly, Invitation

CODE_ATTEMPTS_GROUP = "assembly-code-ip"
SIGNING_SALT = "assemblies.register"
REGISTERED_SESSION_KEY = "assembly_registered"


def _assembly_or_404(slug: str) -> Assembly:
    assembly = selectors.assembly_public(slug)
    if assembly is None:
        raise Http404
    return assembly


@require_GET
def assembly(request: HttpRequest, slug: str) -> HttpResponse:
    """The assembly's question, where it stands, how the lottery works, how to register."""
    assembly = _assembly_or_404(slug)
    return render(
        request,
        "assemblies/assembly.html",
        {"assembly": assembly, "registration_open": selectors.registration_open(assembly)},
    )


# --- the code ---------------------------------------------------------------------------------


def _wrong_codes(request: HttpRequest, *, count: bool) -> bool:
    """Whether this IP address has typed too many wrong codes; COUNT one more first."""
    usage = get_usage(
        request,
        group=CODE_ATTEMPTS_GROUP,
        key="ip",
        rate=lambda group, request: settings.RATELIMIT_ASSEMBLY_CODE_PER_IP,
        increment=count,
    )
    return usage is not None and usage["count"] >= usage["limit"]


def _token(invitation: Invitation) -> str:
    return signing.dumps({"a": invitation.assembly_id, "i": invitation.pk}, salt=SIGNING_SALT)


def _invitation_of(token: str, assembly: Assembly) -> Invitation | None:
    """The invitation the signed TOKEN names, when it belongs to ASSEMBLY."""
    try:
        payload = signing.loads(token, salt=SIGNING_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("a") != assembly.pk:
        return None
    return Invitation.objects.filter(pk=payload.get("i"), assembly=assembly).first()


def _closed(request: HttpRequest, assembly: Assembly, message: str, status: int) -> HttpResponse:
    return render(
        request,
        "assemblies/register_closed.html",
        {"assembly": assembly, "message": message},
        status=status,
    )


def _code_page(request, assembly: Assembly, form: CodeForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "assemblies/register_code.html",
        {"assembly": assembly, "form": form},
        status=status,
    )


def _form_page(
    request, assembly: Assembly, form: RegistrationForm, token: str, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "assemblies/register_form.html",
        {"assembly": assembly, "form": form, "token": token},
        status=status,
    )


def _registration_form(assembly: Assembly, data=None) -> RegistrationForm:
    return RegistrationForm(
        data,
        features=selectors.registration_features(assembly),
        meetings=selectors.registration_meetings(assembly),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """Step one: the code from the letter. Step two: the registration form."""
    assembly = _assembly_or_404(slug)
    try:
        services.registration_require_open(assembly)
    except services.RegistrationClosed as exc:
        return _closed(request, assembly, str(exc), 200 if request.method == "GET" else 409)
    if request.method == "POST" and "token" in request.POST:
        return _register_person(request, assembly)
    if request.method == "POST":
        return _check_code(request, assembly)
    return _code_page(request, assembly, CodeForm())


def _check_code(request: HttpRequest, assembly: Assembly) -> HttpResponse:
    form = CodeForm(request.POST)
    typed = request.POST.get("code", "")
    if _wrong_codes(request, count=False):
        return render(
            request,
            "assemblies/too_many_attempts.html",
            {"assembly": assembly, "form": CodeForm(initial={"code": typed[:100]})},
            status=429,
        )
    if not form.is_valid():
        return _code_page(request, assembly, form, status=400)
    try:
        invitation = services.registration_code_check(
            assembly=assembly, code=form.cleaned_data["code"]
        )
    except services.RegistrationClosed as exc:
        return _closed(request, assembly, str(exc), 409)
    except (ValidationError, services.CodeRefused) as exc:
        if isinstance(exc, services.CodeRefused):
            _wrong_codes(request, count=True)
        form.add_error("code", exc.messages if isinstance(exc, ValidationError) else str(exc))
        return _code_page(request, assembly, form, status=400)
    return _form_page(request, assembly, _registration_form(assembly), _token(invitation))


def _code_form_saying(message: str) -> CodeForm:
    """An empty code field with MESSAGE beside it: back to step one."""
    form = CodeForm({"code": ""})
    form.is_valid()
    form.errors.clear()
    form.add_error("code", message)
    return form


def _add_errors(form: RegistrationForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        if name in form.fields and name not in form.errors:
            form.add_error(name, errors)
        elif name not in form.fields:
            form.add_error(None, errors)


def _register_person(request: HttpRequest, assembly: Assembly) -> HttpResponse:
    token = request.POST.get("token", "")
    invitation = _invitation_of(token, assembly)
    if invitation is None:  # tampered with, or the portal's key changed meanwhile
        code_form = _code_form_saying(_("Type the code from your letter again."))
        return _code_page(request, assembly, code_form, status=400)
    form = _registration_form(assembly, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            participant = services.participant_register(
                invitation=invitation,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                features=form.answers(),
                availability=data["availability"],
                consent=data["consent"],
                meetings=data.get("meetings", []),
            )
        except services.RegistrationClosed as exc:
            return _closed(request, assembly, str(exc), 409)
        except services.CodeRefused as exc:
            return _code_page(request, assembly, _code_form_saying(str(exc)), status=409)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            request.session[REGISTERED_SESSION_KEY] = {
                "assembly": assembly.pk,
                "pseudonym": participant.pseudonym,
                "email": participant.email,
                "more": participant.invitation.registrations_left > 0,
            }
            return redirect("assemblies:registered", slug=assembly.slug)
    return _form_page(request, assembly, form, token, status=400)


@never_cache
@require_GET
def registered(request: HttpRequest, slug: str) -> HttpResponse:
    """The confirmation, after the redirect: what happens now."""
    assembly = _assembly_or_404(slug)
    done = request.session.get(REGISTERED_SESSION_KEY)
    if not done or done.get("assembly") != assembly.pk:
        return redirect("assemblies:assembly", slug=assembly.slug)
    return render(request, "assemblies/registered.html", {"assembly": assembly, "done": done})
