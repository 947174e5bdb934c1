"""URLs of help requests, learning loops and shared memory."""

urlpatterns = []
