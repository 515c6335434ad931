"""The table of Django's database cache (``CACHES`` in settings: the default ``dbcache://ihk_cache``),
which keeps computed figures across server processes. Nothing to do when the cache is elsewhere
(Redis); ``createcachetable`` leaves an existing table alone."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_concept_data_version")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
