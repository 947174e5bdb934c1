"""URLs of the launch playbook: launch and renewal plans, and the admins' launches list."""

from django.urls import path

from . import launch

urlpatterns = [
    path("launch-plans/", launch.launch_list, name="launch_list"),
    path("<slug:slug>/launch/", launch.launch_overview, name="launch"),
    path("<slug:slug>/launch/new/", launch.launch_open, name="launch_open"),
    path("<slug:slug>/launch/<id:pk>/", launch.launch_plan, name="launch_plan"),
    path(
        "<slug:slug>/launch/<id:pk>/conversations/new/",
        launch.conversation_create,
        name="launch_conversation",
    ),
    path("<slug:slug>/launch/<id:pk>/value/", launch.value_proposition, name="launch_value"),
    path(
        "<slug:slug>/launch/<id:pk>/value/accept/", launch.value_accept, name="launch_value_accept"
    ),
    path("<slug:slug>/launch/<id:pk>/leaders/new/", launch.leader_add, name="launch_leader_add"),
    path(
        "<slug:slug>/launch/<id:pk>/leaders/<id:candidate_id>/",
        launch.leader_respond,
        name="launch_leader",
    ),
    path("<slug:slug>/launch/<id:pk>/design/", launch.launch_design, name="launch_design"),
    path("<slug:slug>/launch/<id:pk>/process/", launch.launch_process, name="launch_process"),
    path("<slug:slug>/launch/<id:pk>/actions/new/", launch.action_form, name="launch_action_add"),
    path(
        "<slug:slug>/launch/<id:pk>/actions/<id:item_id>/",
        launch.action_form,
        name="launch_action",
    ),
    path("<slug:slug>/launch/<id:pk>/complete/", launch.launch_complete, name="launch_complete"),
]
