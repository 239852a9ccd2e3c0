# RMM application image: web (gunicorn), Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=rmm.settings.production \
    RMM_VAR_DIR=/app/var

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 rmm

WORKDIR /app
COPY pyproject.toml README.md ./
COPY rmm ./rmm
COPY accounts ./accounts
COPY cases ./cases
COPY committees ./committees
COPY actions ./actions
COPY notifications ./notifications
RUN pip install --no-cache-dir .
COPY . .
# Static files and translations are built into the image; build-time settings need dummy values.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build@localhost/build \
    RMM_FIELD_ENCRYPTION_KEY=YnVpbGQtb25seS1rZXktbmV2ZXItdXNlZC0zMmJ5dGU= \
    python manage.py collectstatic --noinput \
    && python manage.py compile_translations \
    && mkdir -p /app/var && chown -R rmm:rmm /app/var

USER rmm
EXPOSE 8000
CMD ["gunicorn", "rmm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
