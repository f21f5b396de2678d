"""The API's figures (issue 19)."""

from ninja import Router

router = Router(tags=["figures"])
