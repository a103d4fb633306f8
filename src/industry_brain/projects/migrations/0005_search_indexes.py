"""The project search (`?search=`: code prefix, or a part of the name or the investor, ignoring case) served by
indexes on PostgreSQL.

The filter reads `UPPER(code) LIKE 'X%' OR UPPER(name) LIKE '%X%' OR UPPER(investor_name) LIKE '%X%'`; no index
served any of the three, so every search read the whole table through UPPER() twice (the count and the page).
Now a btree over `UPPER(code)` (text_pattern_ops, for the prefix) and GIN indexes over the pairs of adjacent
characters of the upper-cased name and investor (`ib_name_bigrams`, enterprises migration 0004) give PostgreSQL
one index per condition; the filter keeps the LIKEs, so the result is exact. SQLite keeps the plain LIKEs."""

from django.db import migrations

INDEXES = {
    "project_code_upper_idx": "ON projects_project (upper(code::text) text_pattern_ops)",
    "project_name_bigram_idx": "ON projects_project USING gin (ib_name_bigrams(upper(name::text)))",
    "project_investor_bigram_idx": "ON projects_project USING gin (ib_name_bigrams(upper(investor_name::text)))",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_close_reason_label"),
        ("enterprises", "0004_name_bigram_index"),  # the ib_name_bigrams() function
    ]
    operations = [migrations.RunPython(forwards, backwards)]
