"""URLs of plan–do–check–act reviews, closure, the cultivation checklist and coaching."""

from django.urls import path

from . import cultivation, pdca

urlpatterns = [
    path("program/reviews-due/", pdca.reviews_due, name="pdca_due"),
    path("<slug:slug>/reviews/", pdca.review_list, name="pdca_reviews"),
    path("<slug:slug>/reviews/new/", pdca.review_create, name="pdca_create"),
    path("<slug:slug>/reviews/<id:pk>/", pdca.review_detail, name="pdca_detail"),
    path("<slug:slug>/close/", pdca.community_close, name="close"),
    path("<slug:slug>/legacy/", pdca.legacy, name="legacy"),
    path("<slug:slug>/cultivation/", cultivation.checklist, name="cultivation"),
    path("<slug:slug>/coaching/", cultivation.coaching_list, name="coaching"),
    path("<slug:slug>/coaching/new/", cultivation.coaching_create, name="coaching_create"),
]
