# Image for the web, worker and beat services of docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production

RUN useradd --create-home --uid 10001 portal

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic runs under the production settings (it writes the manifest production reads); it needs
# their variables to be set, but talks to no service, so build-time placeholders do.
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build PORTAL_BASE_URL=http://build \
    DATABASE_URL=postgres://build@build/build REDIS_URL=redis://build:6379/0 EMAIL_URL=smtp://build:25 \
    DEFAULT_FROM_EMAIL=build@build AWS_STORAGE_BUCKET_NAME=build \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var && chown -R portal:portal /app/var

USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
