"""Frozen KuF versions are immutable in the database itself: any UPDATE of a version or of one of its
rows is refused by a trigger, whatever code (or person at a SQL prompt) tries it. Inserting (freezing)
and deleting a whole version stay possible."""

from django.db import migrations

TABLES = ("funding_kufversion", "funding_kufversionrow")
MESSAGE = "Ein eingefrorener KuF-Stand kann nicht geändert werden."

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION funding_refuse_kuf_version_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION funding_refuse_kuf_version_update();"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
            )
        else:
            raise NotImplementedError(f"Keine Unveränderlichkeits-Trigger für {vendor}.")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable;")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS funding_refuse_kuf_version_update();")


class Migration(migrations.Migration):
    dependencies = [("funding", "0004_kuf_versions_signoffs_comments")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
