from . import urls_cases, urls_dashboard, urls_support

app_name = "sponsorship"

urlpatterns = [*urls_dashboard.urlpatterns, *urls_support.urlpatterns, *urls_cases.urlpatterns]
