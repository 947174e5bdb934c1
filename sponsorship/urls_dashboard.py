"""URLs of the sponsor dashboard."""

urlpatterns = []
