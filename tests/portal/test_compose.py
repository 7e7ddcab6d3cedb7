"""docker-compose.yml is valid and describes the production-like stack (no Docker engine here)."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SERVICES = {"web", "worker", "beat", "db", "redis", "mailpit", "s3", "clamav"}


def load() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_compose_file_validates_against_the_compose_specification():
    result = validate(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validation_catches_a_typo(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE.read_text().replace("    healthcheck:\n", "    helthcheck:\n", 1))
    assert validate(broken).returncode != 0


def test_every_service_is_present_with_a_healthcheck_and_a_pinned_image():
    services = load()["services"]
    assert set(services) == SERVICES
    for name, service in services.items():
        assert "test" in service["healthcheck"], name
        image = service.get("image", "")
        tag = image.rsplit(":", 1)[-1] if ":" in image else ""
        assert tag and tag != "latest", f"{name} image must be pinned: {image!r}"


def test_app_services_read_env_file_and_data_lives_in_named_volumes():
    compose = load()
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["env_file"] == ".env"
        assert services[name]["build"] == "."
    named = set(compose["volumes"])
    for name in ("db", "redis", "s3", "clamav", "mailpit"):
        for volume in services[name]["volumes"]:
            assert volume.split(":", 1)[0] in named, f"{name}: {volume}"


def test_web_publishes_only_on_loopback():
    for name, service in load()["services"].items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), f"{name}: {port}"
