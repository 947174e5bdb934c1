"""URLs of launch and renewal, PDCA reviews, closure, the cultivation checklist and coaching (namespace communities)."""

from django.urls import path

from communities import cultivation, launch, pdca

urlpatterns = [
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
    path("<slug:slug>/reviews/", pdca.review_list, name="pdca_reviews"),
    path("<slug:slug>/reviews/new/", pdca.review_create, name="pdca_create"),
    path("<slug:slug>/reviews/<id:pk>/", pdca.review_detail, name="pdca_detail"),
    path("<slug:slug>/close/", pdca.community_close, name="close"),
    path("<slug:slug>/legacy/", pdca.legacy, name="legacy"),
    path("<slug:slug>/cultivation/", cultivation.checklist, name="cultivation"),
    path("<slug:slug>/coaching/", cultivation.coaching_list, name="coaching"),
    path("<slug:slug>/coaching/new/", cultivation.coaching_create, name="coaching_create"),
]

# Program-wide pages still under /communities/ (before <slug>/); to move under /program/.
launch_list_urlpatterns = [
    path("launch-plans/", launch.launch_list, name="launch_list"),
    path("program/reviews-due/", pdca.reviews_due, name="pdca_due"),
]
