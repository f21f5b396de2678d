"""The invitation letters of a performed invitation lottery as one PDF (issue 18, stage 1).

One A4 page per drawn household, "to the residents of" its address, with the assembly's
question, what it asks, the registration page and the household's code. Made by WeasyPrint
as the weekly report's PDF is (the same fonts, nothing fetched from outside).

A thousand letters take WeasyPrint 20 to 70 seconds (its layout of the text is most of it),
longer than a web request may take. So the PDF is made by a worker after the draw
(services.invitation_letters_build) into a private file under MEDIA_ROOT, which is never
served: the staff download reads it. It is written as "<name>.part" and renamed when whole,
so a file that exists is complete.
"""

import functools
import hashlib
import hmac

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from initiatives.assembly_models import PublicDraw
from initiatives.selectors.assemblies import invitation_letters, registration_url

LETTERS_DIR = "assembly_letters"  # under MEDIA_ROOT
LETTERS_CSS = "css/assembly_letters.css"
TEMPLATE = "assemblies/invitation_letters_pdf.html"
LONG_QUESTION = 400  # characters: a longer question is set smaller, to keep one page a letter


def letters_file_name(draw: PublicDraw) -> str:
    """The storage name of DRAW's letters: not guessable, the same every time."""
    key = settings.SECRET_KEY.encode()
    tag = hmac.new(key, f"assembly-letters:{draw.pk}".encode(), hashlib.sha256).hexdigest()
    return f"{LETTERS_DIR}/letters-{draw.pk}-{tag[:20]}.pdf"


def letters_html(draw: PublicDraw) -> str:
    """The letters of DRAW as one HTML document, in the portal's language."""
    assembly = draw.assembly
    context = {
        "assembly": assembly,
        "draw": draw,
        "letters": invitation_letters(draw),
        "registration_url": registration_url(assembly),
        "neighbourhoods": draw.inputs.get("neighbourhoods", []),
        "long_question": len(assembly.question) > LONG_QUESTION,
        "municipality_name": settings.MUNICIPALITY_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(TEMPLATE, context)


@functools.cache
def _stylesheet() -> str:
    with open(finders.find(LETTERS_CSS), encoding="utf-8") as sheet:
        return sheet.read()


@functools.cache
def _url_fetcher():
    """WeasyPrint fetches nothing: the style sheet is given, the letters have no images."""
    from weasyprint.urls import URLFetcher

    class NoNetwork(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"The letters fetch nothing from outside: {url}")

    return NoNetwork()


def letters_pdf(html: str) -> bytes:
    """Return the letters' HTML as a PDF."""
    from weasyprint import CSS, HTML

    fetcher = _url_fetcher()
    sheet = CSS(string=_stylesheet(), url_fetcher=fetcher)
    document = HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[sheet])
