"""The Celery application. Settings come from Django's CELERY_* settings."""

from celery import Celery

# DJANGO_SETTINGS_MODULE comes from the environment (docker-compose's .env) or from manage.py/wsgi.py;
# no default here, because this module is imported first and would decide for wsgi.py.
app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
