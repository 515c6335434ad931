"""The rows of a frozen KuF version are sealed: besides the UPDATEs refused since migration 0005, the
database now refuses to add a row to a version or to take one away, whatever code (or person at a SQL
prompt) tries it. Triggers on SQLite and PostgreSQL:

- ``funding_kufversionrow_sealed_insert`` (BEFORE INSERT on the rows): a row may only be inserted for a
  version that does *not exist yet*. Freezing (``funding.versions.kuf_version_freeze``) takes the new
  version's id first, inserts the rows, then the version, all in one transaction. The foreign key from
  row to version is checked at commit (Django creates it DEFERRABLE INITIALLY DEFERRED on both
  databases), so rows without their version are never committed either: rows can only be written in the
  transaction that creates their version, and once a version exists nothing can be added to it.
- ``funding_kufversionrow_sealed_delete`` (BEFORE DELETE on the rows): a row may only be deleted when its
  version no longer exists. ``DELETE FROM funding_kufversionrow WHERE id = …`` is refused while the
  version is there.
- ``funding_kufversion_delete_rows`` (AFTER DELETE on the versions): deleting a version deletes its rows,
  which by then are allowed to go. Deleting a whole version therefore works by every path:
  ``version.delete()``, a queryset's ``delete()``, the admin, deleting the concept, raw SQL. Django's own
  cascade would delete the rows *before* the version (and be refused), so the foreign key is now
  ``on_delete=DO_NOTHING`` and the database does the cascade (a no-op change for the schema).

What stays possible, on purpose: deleting a whole version, and freezing a new one. Not covered: SQL that
drops the triggers, or SQLite with ``PRAGMA foreign_keys`` off (the sqlite3 shell's default), where rows
of a version that does not exist can be committed; they belong to no version. ``manage.py flush`` on
SQLite deletes table by table in no fixed order and fails while versions exist if it reaches the rows
first: delete the versions before (PostgreSQL's flush uses TRUNCATE, which fires no row triggers).

A later migration that rebuilds ``funding_kufversion`` or ``funding_kufversionrow`` on SQLite (adding a
non-null column, for example) drops their triggers with the old table and must create them again.
"""

import django.db.models.deletion
from django.db import migrations, models

ROWS = "funding_kufversionrow"
VERSIONS = "funding_kufversion"
INSERT_MESSAGE = "Einem eingefrorenen KuF-Stand können keine Zeilen hinzugefügt werden."
DELETE_MESSAGE = (
    "Aus einem eingefrorenen KuF-Stand können keine Zeilen gelöscht werden; nur der ganze Stand kann "
    "gelöscht werden."
)
VERSION_EXISTS = f"EXISTS (SELECT 1 FROM {VERSIONS} WHERE id = {{side}}.version_id)"  # noqa: S608

POSTGRES = [
    f"""
CREATE OR REPLACE FUNCTION funding_refuse_kuf_version_row_insert() RETURNS trigger AS $$
BEGIN
    IF {VERSION_EXISTS.format(side="NEW")} THEN
        RAISE EXCEPTION '{INSERT_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    f"""
CREATE OR REPLACE FUNCTION funding_refuse_kuf_version_row_delete() RETURNS trigger AS $$
BEGIN
    IF {VERSION_EXISTS.format(side="OLD")} THEN
        RAISE EXCEPTION '{DELETE_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
""",
    f"""
CREATE OR REPLACE FUNCTION funding_delete_kuf_version_rows() RETURNS trigger AS $$
BEGIN
    DELETE FROM {ROWS} WHERE version_id = OLD.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
""",  # noqa: S608
    f"CREATE TRIGGER {ROWS}_sealed_insert BEFORE INSERT ON {ROWS} "
    f"FOR EACH ROW EXECUTE FUNCTION funding_refuse_kuf_version_row_insert();",
    f"CREATE TRIGGER {ROWS}_sealed_delete BEFORE DELETE ON {ROWS} "
    f"FOR EACH ROW EXECUTE FUNCTION funding_refuse_kuf_version_row_delete();",
    f"CREATE TRIGGER {VERSIONS}_delete_rows AFTER DELETE ON {VERSIONS} "
    f"FOR EACH ROW EXECUTE FUNCTION funding_delete_kuf_version_rows();",
]

SQLITE = [
    f"CREATE TRIGGER {ROWS}_sealed_insert BEFORE INSERT ON {ROWS} "
    f"WHEN {VERSION_EXISTS.format(side='NEW')} "
    f"BEGIN SELECT RAISE(ABORT, '{INSERT_MESSAGE}'); END;",
    f"CREATE TRIGGER {ROWS}_sealed_delete BEFORE DELETE ON {ROWS} "
    f"WHEN {VERSION_EXISTS.format(side='OLD')} "
    f"BEGIN SELECT RAISE(ABORT, '{DELETE_MESSAGE}'); END;",
    f"CREATE TRIGGER {VERSIONS}_delete_rows AFTER DELETE ON {VERSIONS} "  # noqa: S608
    f"BEGIN DELETE FROM {ROWS} WHERE version_id = OLD.id; END;",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = POSTGRES
    elif vendor == "sqlite":
        statements = SQLITE
    else:
        raise NotImplementedError(f"Keine Trigger für eingefrorene KuF-Stände für {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for table, name in ((ROWS, "sealed_insert"), (ROWS, "sealed_delete"), (VERSIONS, "delete_rows")):
        suffix = f" ON {table}" if postgres else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{name}{suffix};")
    if postgres:
        for function in (
            "funding_refuse_kuf_version_row_insert",
            "funding_refuse_kuf_version_row_delete",
            "funding_delete_kuf_version_rows",
        ):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}();")


class Migration(migrations.Migration):
    dependencies = [("funding", "0006_kuf_version_fields_may_be_empty")]

    operations = [
        migrations.AlterField(
            model_name="kufversionrow",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="rows",
                to="funding.kufversion",
                verbose_name="KuF-Stand",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
