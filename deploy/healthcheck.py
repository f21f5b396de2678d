"""Exit 0 when GET /health/live/ answers 200, else 1: the web container's healthcheck.

/health/live/, not /health/: a mail outage makes /health/ say "down" for the public and
monitoring, but the web process itself is fine and must not be marked unhealthy for it.

Standard library only (it runs every few seconds, so it does not start Django). It sends
the portal's own host name, as the proxy does, so ALLOWED_HOSTS needs no extra entry, and
it does not follow redirects: a redirect is an unhealthy answer, not a pass.
"""

import http.client
import os
import sys


def main() -> int:
    port = int(os.environ.get("HEALTHCHECK_PORT", "8000"))
    host = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].strip()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/health/live/", headers={"Host": host})
        status = connection.getresponse().status
    except OSError as error:
        print(f"health: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    print(f"health: {status}")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
