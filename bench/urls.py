"""The benchmark's URLs: the product's, plus the trivial baseline view (bench only)."""

from django.urls import path

from bench import server
from childcop.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("__bench__/trivial/", server.trivial, name="bench_trivial"),
    path("__bench__/bare/", server.bare, name="bench_bare"),
    path("__bench__/write/", server.write, name="bench_write"),
    path("__bench__/invalidate/", server.invalidate, name="bench_invalidate"),
    *product_urlpatterns,
]
