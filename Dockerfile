# The images of docker-compose.yml, in stages:
#   build   a virtualenv with requirements.lock only (runtime; hashes required)
#   static  the collected static files
#   proxy   Caddy with deploy/Caddyfile and those static files (service caddy)
#   app     (default) the portal for web, worker and beat, as a fixed non-root user
# Development tools (pytest, playwright, ruff, ...) are in requirements-dev.lock and never here.

FROM python:3.12-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
# --upgrade-deps: a pip that knows how to pin an extra a package asks for (fonttools[woff] from
# WeasyPrint) under --require-hashes, whatever pip the base image bundles (23.2 cannot).
RUN python -m venv --upgrade-deps /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --no-cache-dir --require-hashes -r /tmp/requirements.lock

FROM python:3.12-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH
# WeasyPrint (the weekly report as PDF) needs Pango, HarfBuzz's subsetter and a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY . .

FROM runtime AS static
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only DJANGO_STATIC_ROOT=/static/static \
    python manage.py collectstatic --noinput

FROM caddy:2 AS proxy
COPY deploy/Caddyfile /etc/caddy/Caddyfile
COPY --from=static /static /srv

FROM runtime AS app
# The manifest of hashed static names is needed to render pages (whitenoise serves too).
COPY --from=static /static/static /app/var/static
# A fixed uid, so volume permissions stay the same across rebuilds.
RUN groupadd --system --gid 10001 dromen \
    && useradd --system --uid 10001 --gid dromen --home-dir /app --no-create-home dromen \
    && mkdir -p /app/var/media /app/var/beat \
    && chown -R dromen:dromen /app/var/media /app/var/beat
USER 10001:10001
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
