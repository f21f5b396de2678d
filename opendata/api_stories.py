"""The API's stories (issue 19)."""

from ninja import Router

router = Router(tags=["stories"])
