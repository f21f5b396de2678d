"""The WSGI application gunicorn serves.

Once the application is loaded, what Django and the apps made while importing (about
100,000 objects: modules, models, URL patterns) is moved out of the garbage collector's
reach with gc.freeze(). Otherwise every full collection walks all of it: at the rate a page
allocates that was a 40-50 ms pause every 30 or so requests, 1.3-1.9 ms a request on average
for the dream workspace and the resident's dream page (issue 15). Frozen objects are never
freed, and these live as long as the process anyway.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - the URLconf loaded now (else by the first request), and frozen with the rest
gc.collect()
gc.freeze()
