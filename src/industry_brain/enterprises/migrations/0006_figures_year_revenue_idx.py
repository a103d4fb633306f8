from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0005_figures_verified"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="yearlyfigures",
            index=models.Index(fields=["year", "-revenue", "enterprise"], name="figures_year_revenue_idx"),
        ),
    ]
