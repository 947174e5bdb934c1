"""URLs of help requests, learning loops and shared memory."""

from django.urls import path

from . import loops, memory

urlpatterns = [
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
