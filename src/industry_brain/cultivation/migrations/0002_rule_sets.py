"""The shipped rule sets (standards/tier-criteria.md), loaded as data."""

from django.db import migrations


def load(apps, schema_editor):
    from industry_brain.cultivation.rules_data import load_rule_sets

    load_rule_sets(apps.get_model("cultivation", "TierRuleSet"), apps.get_model("cultivation", "TierRule"))


class Migration(migrations.Migration):
    dependencies = [("cultivation", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
