"""URLs of the learning agenda and voting, help requests and learning loops, and shared memory (namespace communities)."""

from django.urls import path

from communities import agenda, loops, memory

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
    path("<slug:slug>/help/", loops.help_list, name="help_list"),
    path("<slug:slug>/help/new/", loops.help_create, name="help_create"),
    path("<slug:slug>/help/<id:pk>/", loops.help_detail, name="help_detail"),
    path("<slug:slug>/help/<id:pk>/answer/", loops.help_answer, name="help_answer"),
    path(
        "<slug:slug>/help/<id:pk>/answers/<id:answer_pk>/helpful/",
        loops.help_mark_helpful,
        name="help_mark_helpful",
    ),
    path("<slug:slug>/help/<id:pk>/follow-up/", loops.help_follow_up, name="help_follow_up"),
    path("<slug:slug>/help/<id:pk>/capture/", loops.help_capture, name="help_capture"),
    path("<slug:slug>/memory/", memory.memory_list, name="memory_list"),
    path("<slug:slug>/memory/new/", memory.memory_form, name="memory_create"),
    path("<slug:slug>/memory/<id:pk>/", memory.memory_detail, name="memory_detail"),
    path("<slug:slug>/memory/<id:pk>/edit/", memory.memory_form, name="memory_edit"),
    path("<slug:slug>/memory/<id:pk>/delete/", memory.memory_delete, name="memory_delete"),
]
