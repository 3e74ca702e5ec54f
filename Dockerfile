# syntax=docker/dockerfile:1
# One image for every hnap process: web (gunicorn, the default command), the Celery worker and beat.
# docker-compose.yml runs all three from it; see .env.example for the settings it reads.

# --- Front end: GOV.UK Frontend compiled with hnap's brand (static/build/hnap.css and the GOV.UK JS).
FROM node:22-bookworm-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ frontend/
RUN mkdir -p static/build && npm run build

# --- The application.
FROM python:3.12-slim-bookworm

# The code runs from the source tree in /app (PYTHONPATH): templates/, static/ and the apps' data files sit
# beside the packages and are not part of the installed wheel, which `pip install .` uses for the dependencies.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=hnap.settings.production \
    HNAP_PRIVATE_MEDIA_ROOT=/var/lib/hnap/private

# WeasyPrint (PDFs) loads Pango, HarfBuzz and fontconfig at run time; the Python wheels bring the rest.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        libffi8 \
        shared-mime-info \
        fonts-dejavu-core \
        fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system hnap \
    && useradd --system --gid hnap --create-home --home-dir /home/hnap --shell /usr/sbin/nologin hnap \
    && mkdir -p /var/lib/hnap/private \
    && chown hnap:hnap /var/lib/hnap/private

WORKDIR /app
COPY . .
# The runtime dependencies only (not the `embedded` or `dev` extras).
RUN pip install . \
    && rm -rf build ./*.egg-info
COPY --from=frontend /src/static/build/ static/build/

# Settings only parse these URLs (nothing connects), so placeholders are enough to collect static files.
RUN DATABASE_URL=postgres://build:build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    DJANGO_SECRET_KEY=build-only-not-a-secret \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

USER hnap
EXPOSE 8000
# No HEALTHCHECK: /healthz answers 503 while the worker or beat is down, which would mark web unhealthy
# for a fault elsewhere; let the orchestrator probe /healthz with a Host in DJANGO_ALLOWED_HOSTS instead.
CMD ["gunicorn", "hnap.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
