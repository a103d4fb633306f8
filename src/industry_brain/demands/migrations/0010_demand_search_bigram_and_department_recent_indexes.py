"""Two indexes of the demand list (API and page), measured at province scale (docs/decisions.md):

- `demand_department_recent_idx` (department, -submitted_at, -id): a department's list in the lists' order, so a
  deep page of a department steps over index entries only (it walked the recent-first index of every demand and
  skipped the other departments' rows, about 6 of every 7).
- `demand_search_bigram_idx` (PostgreSQL): a GIN index over the pairs of adjacent characters of `search_text`
  (`ib_name_bigrams`, enterprises migration 0004). A search of two or more characters finds its candidates by
  `ib_name_bigrams(search_text) @> <the value's pairs>` and keeps the LIKE, so the result is exact; the count of
  a search read every demand's text before. SQLite keeps the plain LIKE."""

from django.db import migrations, models

INDEX = ("CREATE INDEX IF NOT EXISTS demand_search_bigram_idx ON demands_demand "
         "USING gin (ib_name_bigrams(search_text::text))")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS demand_search_bigram_idx")


class Migration(migrations.Migration):

    dependencies = [
        ("demands", "0009_monthly_stats"),
        ("enterprises", "0004_name_bigram_index"),  # the ib_name_bigrams() function
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="demand",
            index=models.Index(fields=["department", "-submitted_at", "-id"], name="demand_department_recent_idx"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
