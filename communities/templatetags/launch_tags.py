"""The community page's "Launch" pill: shown when the user may read the launch plans and
there is something to read (a plan, or a community still in its potential stage)."""

from django import template

from childcop import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def show_launch_pill(context, community) -> bool:
    """At most one query (does a plan exist / does this person lead one)."""
    user = context["request"].user
    if permissions.community_role(user, community) >= permissions.Role.MEMBER:
        return community.stage == "potential" or community.launch_plans.exists()
    return user.is_authenticated and community.launch_plans.filter(lead_id=user.pk).exists()
