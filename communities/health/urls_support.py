"""Community-scoped support requests (a coordinator asks the social learning team);
namespace communities."""

urlpatterns = []
