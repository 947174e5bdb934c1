"""URLs of the learning agenda and its voting rounds."""

urlpatterns = []
