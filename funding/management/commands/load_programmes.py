"""``python manage.py load_programmes``: the standard funding programmes, for a fresh installation."""

from django.core.management.base import BaseCommand
from django.db import transaction

from funding.models import FundingProgramme
from funding.programmes.services import standard_programmes_ensure


class Command(BaseCommand):
    help = (
        "Legt die üblichen Förderprogramme an (Städtebauförderung LZ/SZ/WNE, EFRE, KfW 432, "
        "Zukunftsfähige Innenstädte), soweit sie fehlen. Vorhandene bleiben unverändert. Idempotent."
    )

    def handle(self, *args, **options) -> None:
        before = FundingProgramme.objects.count()
        with transaction.atomic():
            programmes = standard_programmes_ensure()
        created = FundingProgramme.objects.count() - before
        self.stdout.write(
            f"{len(programmes)} Standardprogramme vorhanden, davon {created} neu angelegt. "
            "Weitere Programme legt die Administration unter /programme/ an."
        )
