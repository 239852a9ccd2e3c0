# RMM application image: web (gunicorn), Celery worker and beat all run from it.
# The build steps live in docker/build.sh, which CI runs too (tests/platform/test_docker_build.py).
FROM python:3.11-slim-bookworm

# PYTHONPATH: the application runs from /app, not from site-packages (see docker/build.sh).
# RMM_VAR_DIR is the compose volume (uploaded files, beat schedule); the static files are built
# into the image at /app/staticfiles, outside it, so a volume never hides a newer build's files.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=rmm.settings.production \
    RMM_VAR_DIR=/app/var \
    RMM_STATIC_ROOT=/app/staticfiles

# Pango for the PDF minutes (WeasyPrint); no compiler, no gettext (translations compile in Python).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 --user-group --shell /usr/sbin/nologin rmm

WORKDIR /app
COPY pyproject.toml ./
COPY docker/build.sh ./docker/build.sh
RUN ./docker/build.sh dependencies

COPY . .
# The code stays owned by root (the application cannot rewrite itself); only var/ is writable.
RUN ./docker/build.sh assets \
    && mkdir -p /app/var/media \
    && chown -R rmm:rmm /app/var

USER rmm
EXPOSE 8000
# `--forwarded-allow-ips ""`: gunicorn never takes the scheme from X-Forwarded-Proto itself;
# Django alone decides, from RMM_BEHIND_PROXY (see "Mise en production" in README.md).
CMD ["gunicorn", "rmm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", \
     "--forwarded-allow-ips", "", "--access-logfile", "-"]
