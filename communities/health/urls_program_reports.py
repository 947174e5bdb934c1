"""Program-wide health URLs (program_reports), under /program/; namespace program."""

urlpatterns = []
