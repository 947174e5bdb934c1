from django.urls import path

from . import views

app_name = "value_stories"

urlpatterns = [
    path("", views.story_list, name="list"),
    path("export.csv", views.story_export, name="export"),
    path("indicators.csv", views.indicator_export, name="indicators_export"),
    path("matrix/", views.matrix, name="matrix"),
    path("community/<slug:slug>/matrix/", views.community_matrix, name="community_matrix"),
    path("community/<slug:slug>/new/", views.story_create, name="create"),
    path("community/<slug:slug>/autosave/", views.story_autosave, name="autosave"),
    path("<id:pk>/", views.story_detail, name="detail"),
    path("<id:pk>/edit/", views.story_edit, name="edit"),
    path("<id:pk>/edit/<slug:step>/", views.story_edit, name="edit_step"),
    path("<id:pk>/submit/", views.story_submit, name="submit"),
    path("<id:pk>/review/", views.story_review, name="review"),
    path("<id:pk>/withdraw/", views.story_withdraw, name="withdraw"),
    path("<id:pk>/print/", views.story_print, name="print"),
]
