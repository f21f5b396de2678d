"""The workspace's story panel (issue 19): whether the resident shares the dream publicly,
and, only when they let staff do it, the photos of the story with their descriptions.

Read only when the panel is shown, and nothing at all when the dream's read says it has no
publication (workspace_query's has_publication flag): most dreams have none."""

from initiatives import selectors, services
from initiatives.selectors.list_flags import may_have
from residents.story_forms import PhotoChoiceForm
from staff.permissions import can
from staff.story_forms import StoryTakeDownForm


def story_panel_context(request, dream, forms_in_use: dict, when_shown) -> dict:
    """The panel's context: WHEN_SHOWN (staff.views._when_shown) makes it a function the
    template calls once, when it shows the panel."""

    def panel() -> dict:
        publication = (
            selectors.publication_of(dream) if may_have(dream, "has_publication") else None
        )
        may_choose = bool(
            publication is not None
            and dream.photos.all()
            and services.may_choose_photos(dream, publication, request.user)
        )
        form = forms_in_use.get("story_photo_form")
        if form is None and may_choose:
            form = PhotoChoiceForm(photos=dream.photos.all(), chosen=publication.chosen)
        take_down_form = None
        if (
            publication is not None
            and publication.is_shared
            and can(request.user, "story_take_down")
        ):
            take_down_form = forms_in_use.get("story_take_down_form") or StoryTakeDownForm()
        return {
            "publication": publication,
            "may_choose": may_choose,
            "form": form,
            "take_down_form": take_down_form,
        }

    return {"story_panel": when_shown(panel)}
