"""The benchmark's URLs: the product's, plus the trivial baseline view (bench only)."""

from django.urls import path

from childcop import bench_server
from childcop.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("__bench__/trivial/", bench_server.trivial, name="bench_trivial"),
    path("__bench__/bare/", bench_server.bare, name="bench_bare"),
    path("__bench__/invalidate/", bench_server.invalidate, name="bench_invalidate"),
    *product_urlpatterns,
]
