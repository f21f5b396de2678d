"""The repository documents itself (issue 11, item 7): the product and the architecture live in
docs/, the README links there, and no link leads outside the repository (the README once
pointed to ../shared/DESIGN.md, which a clone does not have)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR).resolve()
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _local_links(page: Path) -> list[str]:
    targets = [m.group(1).split("#")[0] for m in LINK.finditer(page.read_text())]
    return [t for t in targets if t and not re.match(r"[a-z]+:", t)]


def test_docs_hold_the_product_the_architecture_and_the_deploy_guide():
    for name in ("README.md", "product.md", "architecture.md", "deploy.md"):
        assert (ROOT / "docs" / name).stat().st_size > 500, name


def test_the_readme_links_to_docs():
    links = _local_links(ROOT / "README.md")
    for target in ("docs/product.md", "docs/architecture.md", "docs/deploy.md"):
        assert target in links, target


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_local_link_resolves_inside_the_repository(page):
    for target in _local_links(page):
        resolved = (page.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{target} leaves the repository"
        assert resolved.exists(), f"{target} does not exist"
