"""Accounts: the custom User (email login, display name, job title, department, notification
preferences), the record of emails sent (`SentEmail`, the one mail path's claims), allauth's
adapter (sign-up open or limited to domains) and the people directory."""
