"""MCO and ProviderType moved to accounts (accounts 0009): complaints forgets them, state only (tables stay)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_mco_providertype_move_here"),
        ("complaints", "0016_queue_order_columns_and_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="complaint",
                    name="mco",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="complaints",
                        to="accounts.mco",
                        verbose_name="MCO",
                    ),
                ),
                migrations.DeleteModel(
                    name="ProviderType",
                ),
                migrations.DeleteModel(
                    name="MCO",
                ),
            ],
            database_operations=[],
        ),
    ]
