"""Community-scoped health URLs (indicators), under /communities/<slug>/health/; namespace communities."""

urlpatterns = []
