from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The `seed_demo` command: demo organizations, one account per role and demo complaints (never in production)."""

    name = "demo"
    verbose_name = "Demo data"
