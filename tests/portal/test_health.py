"""Liveness and readiness endpoints (DESIGN §9)."""

import pytest


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any database access in this request would raise instead of answering.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_healthz_answers_a_head_probe(client):
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_readyz_is_ready_when_database_cache_and_broker_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}
    assert response.json()["failing"] == []


@pytest.mark.django_db
def test_readyz_reports_a_stopped_redis_as_503_naming_cache_and_broker(client, settings, redis_server):
    settings.CELERY_BROKER_URL = redis_server.url
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_server.url}
    }
    assert client.get("/readyz").status_code == 200

    redis_server.stop()
    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("unavailable")
    assert body["checks"]["broker"].startswith("unavailable")
    assert set(body["failing"]) == {"cache", "broker"}

    redis_server.start()
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_skips_the_broker_when_tasks_run_in_process(client, settings):
    settings.CELERY_BROKER_URL = "memory://"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "skipped"
