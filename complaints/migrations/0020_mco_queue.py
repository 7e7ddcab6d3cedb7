"""The MCO's queue (issue 18): its stage and due date kept by the database, and the indexes that serve each of its
views (presented complaints only)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0019_mco_notice_rounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="mco_due",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(status="awaiting_mco", then=models.F("mco_answer_due")), default=models.Value(None)
                ),
                output_field=models.DateField(null=True),
                verbose_name="MCO's answer due (while awaited)",
            ),
        ),
        migrations.AddField(
            model_name="complaint",
            name="mco_stage",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(status="awaiting_mco", then=models.Value(0)),
                    models.When(status__in=["resolved", "closed"], then=models.Value(2)),
                    default=models.Value(1),
                ),
                output_field=models.PositiveSmallIntegerField(),
                verbose_name="MCO stage",
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("presented_at__isnull", False)),
                fields=["mco", "mco_stage", "mco_due", "-submitted_at", "-id"],
                name="complaint_mco_queue_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("presented_at__isnull", False)),
                fields=["mco", "category", "mco_stage", "mco_due", "-submitted_at", "-id"],
                name="complaint_mco_queue_cat_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("expedited", True), ("presented_at__isnull", False)),
                fields=["mco", "mco_stage", "mco_due", "-submitted_at", "-id"],
                name="complaint_mco_queue_exp_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("presented_at__isnull", False)),
                fields=["mco", "mco_reference"],
                name="complaint_mco_queue_ref_idx",
            ),
        ),
    ]
