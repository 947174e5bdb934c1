"""The read-only JSON API for reporting tools (Power BI, Excel, a data warehouse), under
/api/v1/, with personal access tokens (see README, "Reporting API")."""
