"""The community page's "Value created" section (one query), without touching its view."""

from django import template

register = template.Library()


@register.inclusion_tag("value_stories/_community_section.html", takes_context=True)
def value_created(context, community, limit=5):
    from childcop import permissions

    from ..services import latest_approved

    user = context["request"].user
    return {
        "community": community,
        "stories": latest_approved(community, user, limit=limit),
        "can_write": permissions.can_write_story(user, community),
    }
