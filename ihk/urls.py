from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .forms import LoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("passwort/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("passwort/geaendert/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("projects.urls")),
    path("", include("funding.urls")),
    # Measure images go through the concept's access check (unpublished concepts stay private), in
    # development as in production; the media folder itself is never served.
    path("", include("measures.urls")),
    path("", include("participation.urls")),
    path("", include("ihk.report_urls")),
    path("", include("ihk.site_urls")),
]

handler400 = "ihk.views.bad_request"
