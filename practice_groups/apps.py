from django.apps import AppConfig


class PracticeGroupsConfig(AppConfig):
    name = "practice_groups"
    verbose_name = "Practice groups"
