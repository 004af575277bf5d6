"""What the admin's home page says about the review queue."""

from __future__ import annotations

from django import template
from django.urls import reverse

from ..models import Term

register = template.Library()


@register.inclusion_tag("admin/glossary/review_queue.html", takes_context=True)
def review_queue(context) -> dict:
    """The number of candidates waiting, and where to start reviewing them."""
    request = context.get("request")
    allowed = request is not None and request.user.has_perm("glossary.change_term")
    waiting = (
        Term.objects.filter(status=Term.Status.CANDIDATE).count() if allowed else 0
    )
    return {
        "allowed": allowed,
        "waiting": waiting,
        "url": reverse("admin:glossary_term_changelist") + "?status__exact=candidate",
    }
