"""Template helpers for the calendar feeds."""

from django import template

from communities.rhythm.services.feeds import community_feed_url, personal_feed_url

register = template.Library()


@register.simple_tag
def personal_calendar_url(user):
    """The absolute address of the person's calendar feed, or "" before they have one."""
    return personal_feed_url(user)


@register.simple_tag
def community_calendar_url(community):
    """The absolute address of the community's calendar feed."""
    return community_feed_url(community)
