"""``python manage.py load_demo``: the demo data of DOMAIN.md, for ``make run`` and manual testing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ihk.demo import DemoDataError, DemoLogin, demo_load, demo_logins
from projects.models import Concept


class Command(BaseCommand):
    help = "Legt die Demodaten an (IIHK Lippe-Wesseltal 2030, IHK Innenstadt Rheinwerth). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Nichts tun, wenn bereits ein Konzept existiert.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Auch bei DEBUG=False Demo-Konten mit bekannten Passwörtern anlegen.",
        )

    def handle(self, *args, if_empty: bool, allow_production: bool, **options) -> None:
        if if_empty and Concept.objects.exists():
            self.stdout.write("Es gibt bereits Konzepte; Demodaten werden nicht geladen.")
            self._print_logins(demo_logins())
            return
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG ist ausgeschaltet: Demo-Konten mit bekannten Passwörtern werden nicht angelegt. "
                "Wer das wirklich will, ruft den Befehl mit --allow-production auf."
            )
        try:
            result = demo_load(stdout=self.stdout)
        except DemoDataError as error:
            raise CommandError(f"Die Demodaten (ihk/demo/data/) sind fehlerhaft: {error}") from error
        self.stdout.write(self.style.SUCCESS("Demodaten sind geladen."))
        self._print_logins(result.logins)

    def _print_logins(self, logins: tuple[DemoLogin, ...]) -> None:
        if not logins:
            return
        self.stdout.write("")
        self.stdout.write("Demo-Zugänge (Benutzername / Passwort / Rolle / Konzept und Kommune):")
        for login in logins:
            note = "" if login.created else " [Konto bestand bereits, Passwort nicht geändert]"
            self.stdout.write(f"  {login.username} / {login.password} / {login.role} / {login.scope}{note}")
