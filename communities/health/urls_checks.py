"""Community-scoped health URLs (checks), under /communities/<slug>/health/; namespace communities."""

urlpatterns = []
