"""The dream's text for full-text search, stored once per dream instead of per search.

A search used to compute `to_tsvector` for every dream it looked at (about 30 µs each):
PostgreSQL thinks that function cheap, so it walked the newest-first index computing it row
after row instead of using the GIN index (BENCHMARKS.md). Stored in a generated column, the
vector is computed when the title or story is written, and a search only compares.
"""

from django.contrib.postgres.search import SearchVector

SEARCH_CONFIG = "dutch"


class DreamSearchVector(SearchVector):
    """Dutch search vector of title and story; on SQLite, where there is none, NULL.

    SQLite (the embedded default) has no full-text vectors: its column stays empty and the
    list searches with a substring match (selectors.staff_dream_list).
    """

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


def dream_search_vector() -> DreamSearchVector:
    return DreamSearchVector("title", "story", config=SEARCH_CONFIG)
