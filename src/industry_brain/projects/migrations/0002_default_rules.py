"""Load the warning rules shipped with the platform (version 1 of each)."""

from django.db import migrations


def load(apps, schema_editor):
    from industry_brain.projects.defaults import DEFAULT_RULES

    WarningRule = apps.get_model("projects", "WarningRule")
    WarningRuleVersion = apps.get_model("projects", "WarningRuleVersion")
    for spec in DEFAULT_RULES:
        if WarningRule.objects.filter(code=spec["code"]).exists():
            continue
        rule = WarningRule.objects.create(code=spec["code"], kind=spec["kind"], name=spec["name"],
                                          description=spec["description"], source=spec["source"],
                                          thresholds=spec["thresholds"], level=spec.get("level", "red"), version=1)
        WarningRuleVersion.objects.create(rule=rule, version=1, name=rule.name, description=rule.description,
                                          thresholds=rule.thresholds, level=rule.level, is_active=True)


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
