"""The API's dreams (issue 19)."""

from ninja import Router

router = Router(tags=["dreams"])
