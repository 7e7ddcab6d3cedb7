"""Settings: production refuses to start without its secrets and is clean under check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "TMPDIR")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


REQUIRED_IN_PRODUCTION = [
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "PORTAL_BASE_URL",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "AWS_STORAGE_BUCKET_NAME",
    "PORTAL_CLAMD_ADDRESS",
]


def test_env_example_documents_every_required_production_variable():
    assert set(REQUIRED_IN_PRODUCTION) <= set(env_example())


@pytest.mark.parametrize("missing", REQUIRED_IN_PRODUCTION)
def test_production_refuses_to_start_without_a_required_variable(missing):
    env = {key: value for key, value in env_example().items() if key != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_check_deploy_is_clean_with_env_example():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env_example())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_serves_pages_with_collected_static_files(tmp_path):
    env = {**env_example(), "DJANGO_STATIC_ROOT": str(tmp_path / "static")}
    collected = run_manage("collectstatic", "--noinput", env=env)
    assert collected.returncode == 0, collected.stderr
    assert (tmp_path / "static" / "staticfiles.json").is_file()
    code = (
        "from django.test import Client;"
        "r = Client().get('/', HTTP_HOST='localhost', secure=True);"
        "print(r.status_code, b'/static/vendor/uswds/css/uswds-portal.min.' in r.content)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "True"]


def test_production_settings_are_locked_down():
    code = (
        "from django.conf import settings as s; from django.core.files.storage import storages;"
        "a = storages['attachments'];"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.X_FRAME_OPTIONS, a.default_acl, a.file_overwrite,"
        " s.CELERY_TASK_ALWAYS_EAGER, a.object_parameters['ServerSideEncryption'], type(a).__name__)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=env_example())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False", "True", "True", "True", "True", "DENY", "private", "False", "False", "AES256", "PrivateS3Storage"
    ]  # fmt: skip


def test_local_settings_are_the_embedded_default(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND.rsplit('.', 2)[-2],"
        " s.STORAGES['default']['OPTIONS']['base_url'])"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env={"DJANGO_SETTINGS_MODULE": "portal.settings.local"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "console", "None"]


def test_private_media_is_outside_every_served_path(settings):
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    served = [Path(p).resolve() for p in settings.STATICFILES_DIRS] + [Path(settings.STATIC_ROOT).resolve()]
    for directory in served:
        assert not private.is_relative_to(directory)


@pytest.mark.django_db
def test_a_stored_file_cannot_be_fetched_by_its_storage_url(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path), "base_url": None}},
    }
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    name = storages["default"].save("member-letter.txt", ContentFile(b"private"))
    assert (tmp_path / name).read_bytes() == b"private"
    for url in (storages["default"].url(name), f"/media/{name}", f"/private-media/{name}"):
        assert client.get(url).status_code == 404


def test_tests_run_against_real_postgresql_and_redis(settings):
    from django.db import connection

    assert connection.vendor == "postgresql"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
