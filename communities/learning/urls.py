"""URLs of the learning agenda and voting, help requests and learning loops, and shared memory (namespace communities)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/agenda/", views.agenda, name="agenda"),
    path("<slug:slug>/agenda/new/", views.agenda_create, name="agenda_create"),
    path("<slug:slug>/agenda/<id:pk>/", views.agenda_detail, name="agenda_detail"),
    path("<slug:slug>/agenda/<id:pk>/edit/", views.agenda_edit, name="agenda_edit"),
    path("<slug:slug>/agenda/<id:pk>/status/", views.agenda_status, name="agenda_status"),
    path("<slug:slug>/agenda/rounds/new/", views.round_open, name="agenda_round_open"),
    path("<slug:slug>/agenda/rounds/<id:pk>/", views.round_detail, name="agenda_round"),
    path(
        "<slug:slug>/agenda/rounds/<id:pk>/results/",
        views.round_results,
        name="agenda_round_results",
    ),
    path("<slug:slug>/agenda/rounds/<id:pk>/vote/", views.vote, name="agenda_vote"),
    path("<slug:slug>/agenda/rounds/<id:pk>/close/", views.round_close, name="agenda_round_close"),
    path("<slug:slug>/help/", views.help_list, name="help_list"),
    path("<slug:slug>/help/new/", views.help_create, name="help_create"),
    path("<slug:slug>/help/<id:pk>/", views.help_detail, name="help_detail"),
    path("<slug:slug>/help/<id:pk>/answer/", views.help_answer, name="help_answer"),
    path(
        "<slug:slug>/help/<id:pk>/answers/<id:answer_pk>/helpful/",
        views.help_mark_helpful,
        name="help_mark_helpful",
    ),
    path("<slug:slug>/help/<id:pk>/follow-up/", views.help_follow_up, name="help_follow_up"),
    path("<slug:slug>/help/<id:pk>/capture/", views.help_capture, name="help_capture"),
    path("<slug:slug>/memory/", views.memory_list, name="memory_list"),
    path("<slug:slug>/memory/new/", views.memory_form, name="memory_create"),
    path("<slug:slug>/memory/<id:pk>/", views.memory_detail, name="memory_detail"),
    path("<slug:slug>/memory/<id:pk>/edit/", views.memory_form, name="memory_edit"),
    path("<slug:slug>/memory/<id:pk>/delete/", views.memory_delete, name="memory_delete"),
]
