"""URLs of business cases and agreements (expectations and accountability)."""

urlpatterns = []
