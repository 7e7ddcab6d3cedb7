from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints and reference data"

    def ready(self) -> None:
        from complaints import emails  # noqa: F401 - registers the email kinds
