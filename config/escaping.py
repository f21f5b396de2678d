"""conditional_escape for the hot loops that write HTML in Python (rows, options, fields).

Django's conditional_escape goes through escape(), which keep_lazy wraps: every call checks
its arguments for lazy strings. A page writing some 600 values spent about a tenth of its
Python time in that wrapper (issue 15). Plain text, by far the most common value, is
escaped here by the standard library's html.escape, which is what escape() calls; anything
else (safe strings, lazy translations, numbers) still goes through conditional_escape, so
the result is always the same (tests/config/test_escaping.py).
"""

from html import escape as _escape

from django.utils.html import conditional_escape


def escaped(value) -> str:
    """Return VALUE as conditional_escape writes it (as a plain str, to join into HTML)."""
    if type(value) is str:  # not SafeString (a subclass): that one is never escaped again
        return _escape(value)
    return conditional_escape(value)
