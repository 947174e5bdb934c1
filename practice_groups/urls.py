app_name = "practice_groups"

urlpatterns = []
