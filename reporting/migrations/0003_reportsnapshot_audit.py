from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_release_day"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportsnapshot",
            name="audit",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
