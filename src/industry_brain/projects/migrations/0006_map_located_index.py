"""The project map (`/api/v1/projects/map/`) read from a partial covering index on PostgreSQL.

The map writes one feature per located project (id, name, stage, warning level, total investment and the two
coordinates). A project without a site yet (a reserve project) has none, and the located ones lie on every page of
the table, so the statement read the whole table (a sequential scan) to find them. This index holds only the located
projects (`WHERE lat IS NOT NULL`), keyed by the scope columns of a district bureau and a chain work team, and
carries every column the map writes plus the other scope and filter columns: PostgreSQL answers the map from the
index alone (an index-only scan) for every role. SQLite keeps reading the table."""

from django.db import migrations

NAME = "project_map_located_idx"
DEFINITION = ("ON projects_project (district_id, ecosystem_id) "
              "INCLUDE (id, name, stage, warning_level, total_investment, lon, lat, enterprise_id, chain_id) "
              "WHERE lat IS NOT NULL")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} {DEFINITION}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_search_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
