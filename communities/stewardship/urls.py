"""URLs of launch and renewal, PDCA reviews, closure, the cultivation checklist and coaching
(namespace communities); the program's launches and reviews due (namespace program)."""

from django.urls import path

from .views import closure, cultivation, launch, moved, reviews

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
    path("<slug:slug>/reviews/", reviews.review_list, name="pdca_reviews"),
    path("<slug:slug>/reviews/new/", reviews.review_create, name="pdca_create"),
    path("<slug:slug>/reviews/<id:pk>/", reviews.review_detail, name="pdca_detail"),
    path("<slug:slug>/close/", closure.community_close, name="close"),
    path("<slug:slug>/legacy/", closure.legacy, name="legacy"),
    path("<slug:slug>/cultivation/", cultivation.checklist, name="cultivation"),
    path("<slug:slug>/coaching/", cultivation.coaching_list, name="coaching"),
    path("<slug:slug>/coaching/new/", cultivation.coaching_create, name="coaching_create"),
]

# The old addresses of the program pages below, under /communities/ (included before
# <slug>/): each answers a permanent redirect to the page's address under /program/.
moved_urlpatterns = [
    path(
        "launch-plans/",
        moved.moved_permanently,
        {"to": "program:launches"},
        name="launch_list_moved",
    ),
    path(
        "program/reviews-due/",
        moved.moved_permanently,
        {"to": "program:reviews_due"},
        name="pdca_due_moved",
    ),
]

# Program-wide pages of the social learning team, under /program/ (namespace program).
program_urlpatterns = [
    path("launches/", launch.launch_list, name="launches"),
    path("reviews-due/", reviews.reviews_due, name="reviews_due"),
]
