"""On the embedded default (SQLite) too, the database refuses to change or delete a complaint's events and the audit
log's rows (PostgreSQL has had its triggers since complaints 0014 and accounts 0005)."""

from django.db import migrations

TABLES = ("complaints_complaintevent", "accounts_auditevent")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        for change in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_{change.lower()} BEFORE {change} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        for change in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{change}")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0014_event_origin_append_only_outcome_codes"),
        ("accounts", "0005_audit_append_only_trigger"),
    ]

    operations = [migrations.RunPython(create, drop)]
