from django.apps import AppConfig


class ValueStoriesConfig(AppConfig):
    name = "value_stories"
    verbose_name = "Value stories"
