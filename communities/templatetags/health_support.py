"""The community page's link to ask the social learning team for support (no query: the
viewer's membership is cached on the community by the page's scoped fetch)."""

from django import template

from childcop import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def may_ask_for_support(context, community) -> bool:
    return permissions.can_request_community_support(context["request"].user, community)
