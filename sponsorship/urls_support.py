"""URLs of appointments, mentoring and councils (the support structure)."""

urlpatterns = []
