"""Program-wide health URLs (overview), under /program/; namespace program."""

urlpatterns = []
