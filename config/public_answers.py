"""No cookie on the public open-data answers (issue 19).

The API (/api/) and the downloads (/open-data/downloads/) answer the same to everyone and are
marked Cache-Control: public. A signed-in visitor still brings a session, and with
SESSION_SAVE_EVERY_REQUEST the session middleware would send its cookie back on such an
answer: a shared cache could then keep one visitor's session cookie and hand it to others.
This middleware sits before SessionMiddleware (and so sees the answer after it and after
CsrfViewMiddleware) and takes every Set-Cookie off these answers.
"""

import re

from django.http import HttpRequest

PUBLIC_PATHS = re.compile(r"^/(api/|open-data/downloads/)")


class NoCookiesOnPublicAnswers:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if PUBLIC_PATHS.match(request.path_info):
            response.cookies.clear()
        return response
