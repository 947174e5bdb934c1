"""Template helpers: sanitised Markdown and stage badges."""

import functools

import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


@register.filter
def markdown(text):
    """Render Markdown, then keep only an allow-list of tags (nh3)."""
    if not text:
        return ""
    return mark_safe(_render_markdown(str(text)))  # noqa: S308 — cleaned by nh3


@functools.lru_cache(maxsize=1024)
def _render_markdown(text: str) -> str:
    """A pure function of the text, so its result is kept (the same texts — a community's
    purpose and vision — are shown on every view of their page)."""
    html = md.markdown(text, extensions=["extra", "sane_lists"])
    return nh3.clean(html, tags=_ALLOWED_TAGS, link_rel="noopener noreferrer")


@register.inclusion_tag("includes/stage_badge.html")
def stage_badge(stage, label=None):
    return {"stage": stage, "label": label or str(stage).capitalize()}


@register.filter
def more_filters_used(form):
    """Whether a filter past the first three (folded under "More filters") has a value."""
    return any(field.value() not in (None, "", []) for field in list(form)[3:])
