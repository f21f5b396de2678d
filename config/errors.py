"""Error views that stay standing when the request itself is broken.

Django's own 400 view is decorated with ``requires_csrf_token``: on a POST that runs the CSRF
check again, which reads ``request.POST`` — and a body Django cannot decode (a form sent as
UTF-16, say) raises ``BadRequest`` a second time inside the error view, which turns the 400
into a 500. This view never reads the body.
"""

from django.shortcuts import render


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)
