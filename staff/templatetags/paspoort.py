"""The paspoort in the workspace (issue 17): a review's verdicts with the part each cites."""

from django import template
from django.urls import reverse

from initiatives.models import CoreValue

register = template.Library()


@register.filter
def weighed(review) -> list[tuple]:
    """(label, verdict, reasoning, cited part or None) for the three core values of REVIEW,
    its cited parts as read with it (no query)."""
    return [
        (label, verdict, reasoning, getattr(review, f"{value.value}_cites"))
        for (label, verdict, reasoning), value in zip(review.verdicts(), CoreValue, strict=True)
    ]


@register.filter
def paspoort_anchor(part) -> str:
    """The place of version PART on the paspoort page."""
    return f"{reverse('staff:paspoort')}#{part.key}-v{part.version}"
