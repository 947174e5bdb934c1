"""URLs of the learning agenda and its voting rounds."""

from django.urls import path

from . import agenda

urlpatterns = [
    path("<slug:slug>/agenda/", agenda.agenda, name="agenda"),
    path("<slug:slug>/agenda/new/", agenda.agenda_create, name="agenda_create"),
    path("<slug:slug>/agenda/<id:pk>/", agenda.agenda_detail, name="agenda_detail"),
    path("<slug:slug>/agenda/<id:pk>/edit/", agenda.agenda_edit, name="agenda_edit"),
    path("<slug:slug>/agenda/<id:pk>/status/", agenda.agenda_status, name="agenda_status"),
    path("<slug:slug>/agenda/rounds/new/", agenda.round_open, name="agenda_round_open"),
    path("<slug:slug>/agenda/rounds/<id:pk>/", agenda.round_detail, name="agenda_round"),
    path(
        "<slug:slug>/agenda/rounds/<id:pk>/results/",
        agenda.round_results,
        name="agenda_round_results",
    ),
    path("<slug:slug>/agenda/rounds/<id:pk>/vote/", agenda.vote, name="agenda_vote"),
    path("<slug:slug>/agenda/rounds/<id:pk>/close/", agenda.round_close, name="agenda_round_close"),
]
