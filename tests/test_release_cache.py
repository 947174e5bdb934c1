"""Cached values and rendered fragments live under the release's prefix: a new release of
the code or templates never serves what the previous one computed or rendered."""

from django.conf import settings

from childcop import settings as product_settings


def test_the_cache_prefix_names_the_release(tmp_path, monkeypatch):
    assert settings.CACHES["default"]["KEY_PREFIX"].endswith(product_settings._release())
    monkeypatch.setattr(product_settings, "BASE_DIR", tmp_path)
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "row.html"
    page.write_text("<td>{{ row.sessions }}</td>")
    before = product_settings._release()
    assert product_settings._release() == before  # the same code, the same prefix
    page.write_text('<td class="small">{{ row.sessions }}</td>')
    assert product_settings._release() != before
