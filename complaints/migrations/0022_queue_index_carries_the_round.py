"""The staff queue's index carries each complaint's MCO round after its order, so the reply filter reads the open
complaints' ids and rounds from the index alone (an index-only scan instead of a near tie with a full table scan)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0021_mco_field_labels"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="complaint", name="complaint_queue_idx"),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                fields=["settled", "-expedited", "next_due", "submitted_at", "id", "mco_round"],
                name="complaint_queue_idx",
            ),
        ),
    ]
