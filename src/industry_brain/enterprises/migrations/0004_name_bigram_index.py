"""Two-character name searches (the commonest Chinese query: 杭州, 电子, 西湖) served by an index on PostgreSQL.

Trigram indexes need three characters; a LIKE '%ab%' on 360,000 names reads them all. `ib_name_bigrams(name)`
lists every pair of adjacent characters of a name, and a GIN index over it answers "names containing ab" with
`ib_name_bigrams(name) @> ARRAY['ab']` (the filter keeps the LIKE too, so the result is exact). SQLite keeps
the plain LIKE."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION ib_name_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(value, i, 2)), '{}')
    FROM generate_series(1, greatest(char_length(value) - 1, 0)) AS i
$$
"""
INDEX = ("CREATE INDEX IF NOT EXISTS enterprise_name_bigram_idx ON enterprises_enterprise "
         "USING gin (ib_name_bigrams(name::text))")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS enterprise_name_bigram_idx")
        schema_editor.execute("DROP FUNCTION IF EXISTS ib_name_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_read_log_channel_choices")]
    operations = [migrations.RunPython(forwards, backwards)]
