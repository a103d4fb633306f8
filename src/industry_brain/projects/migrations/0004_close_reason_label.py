"""Orders closed by an accepted response kept the code "accepted" as their closing reason, shown as such on the
order's page; they now keep the words a reader reads (反馈已通过), as orders closed by a cleared warning do."""

from django.db import migrations


def relabel(apps, schema_editor):
    apps.get_model("projects", "SupervisionOrder").objects.filter(close_reason="accepted").update(
        close_reason="反馈已通过")


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_alter_milestonerecord_evidence")]
    operations = [migrations.RunPython(relabel, migrations.RunPython.noop)]
