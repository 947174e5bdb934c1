"""Every URL pattern of the project, walked through its includes."""

from django.urls import URLPattern, URLResolver, get_resolver


def walk(patterns=None, namespace=None):
    """(namespaced name, pattern) for every URL pattern."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from walk(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, pattern
