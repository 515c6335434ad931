"""Forms of the accounts pages (composition root: logging in is no app's business)."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.formatting import format_number


class LoginForm(AuthenticationForm):
    """Django's login form, refusing a username longer than any account can have before anything else
    happens: no password check, and no failed attempt recorded by django-axes, whose record holds 255
    characters (PostgreSQL would refuse a longer one with a server error)."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length
        if limit and len(username) > limit:
            raise ValidationError(
                _(
                    "Der Benutzername ist zu lang (%(length)s Zeichen). Benutzernamen haben höchstens "
                    "%(limit)s Zeichen."
                ),
                code="max_length",
                params={"length": format_number(len(username), 0), "limit": format_number(limit, 0)},
            )
        return username
