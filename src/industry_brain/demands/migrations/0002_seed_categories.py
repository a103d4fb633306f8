"""Seed the two-level demand taxonomy (administrators may extend it later)."""

from django.db import migrations


def seed(apps, schema_editor):
    from industry_brain.demands.categories import TAXONOMY

    Category = apps.get_model("demands", "DemandCategory")
    for i, (code, name, children) in enumerate(TAXONOMY, start=1):
        root, _ = Category.objects.get_or_create(code=code, defaults={"name": name, "order": i * 10})
        for j, (sub, sub_name) in enumerate(children, start=1):
            Category.objects.get_or_create(code=f"{code}.{sub}",
                                           defaults={"name": sub_name, "parent": root, "order": i * 10 + j})


def unseed(apps, schema_editor):
    apps.get_model("demands", "DemandCategory").objects.filter(parent__isnull=False).delete()
    apps.get_model("demands", "DemandCategory").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("demands", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
