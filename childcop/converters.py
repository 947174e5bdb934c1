"""URL converters: ids are bounded so that a malformed id answers 404, never a database error."""

from django.urls import register_converter


class IdConverter:
    regex = "[1-9][0-9]{0,17}"  # fits a 64-bit integer column on every database

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")
