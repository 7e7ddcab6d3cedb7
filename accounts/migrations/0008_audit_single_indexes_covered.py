"""The audit log's single-column indexes on actor and created_at are covered by the composite indexes of 0007
(actor, created_at, id) and (created_at, id): one index less to write per row on the busiest table.

State-only AlterField plus a plain DROP INDEX: a real AlterField would make SQLite copy the table, which drops the
append-only triggers of complaints/migrations/0015."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _drop_single_column_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    table = "accounts_auditevent"
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    for name, info in constraints.items():
        single = info["columns"] in (["actor_id"], ["created_at"])
        if single and info["index"] and not info["primary_key"] and not info["unique"]:
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_admin_list_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="created_at",
                    field=models.DateTimeField(default=django.utils.timezone.now),
                ),
            ],
            database_operations=[migrations.RunPython(_drop_single_column_indexes, migrations.RunPython.noop)],
        ),
    ]
