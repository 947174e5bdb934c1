"""Community-scoped support requests (a coordinator asks the social learning team);
namespace communities. The team's queue is program-wide: /program/support/ (urls_overview)."""

from django.urls import path

from . import support

urlpatterns = [
    path("<slug:slug>/support/new/", support.support_request, name="support_request"),
]
