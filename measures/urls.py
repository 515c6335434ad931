from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path(
        "konzepte/<slug:slug>/massnahmen/<int:pk>/bild/",
        views.MeasureImageView.as_view(),
        name="measure_image",
    ),
]
