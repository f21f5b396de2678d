"""The question behind the question (issue 17): what the workspace reads of a dream's situation
mapped (the weekly report counts them in initiatives/selectors/weekly_report.py)."""

from initiatives.models import Dream
from initiatives.situation_models import SituationMap


def dream_situation(dream: Dream) -> SituationMap | None:
    """DREAM's situation as dream_for_staff read it with the dream (no query), None while
    nothing was mapped."""
    try:
        return dream.situation
    except SituationMap.DoesNotExist:
        return None
