"""Community-scoped health URLs (reports), under /communities/<slug>/health/; namespace communities."""

urlpatterns = []
