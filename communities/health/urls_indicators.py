"""Community-scoped health URLs (indicators), under /communities/<slug>/health/; namespace communities."""

from django.urls import path

from . import views_indicators as views

urlpatterns = [
    path("<slug:slug>/health/", views.health, name="health"),
]
