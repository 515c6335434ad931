from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Kosten und Finanzierung")

    def ready(self) -> None:
        from projects.guards import register_years_guard

        from .kuf.selectors import money_outside_years

        # The programme years of a concept may not leave costs or financing outside them.
        register_years_guard(money_outside_years)
