"""Sessions in the database, written back only when they changed or once a minute.

The idle time (SESSION_COOKIE_AGE, SESSION_SAVE_EVERY_REQUEST) moves a session's end
forward at every request, and Django does that by writing the whole session back each
time: an UPDATE (and its encoding and signing) on every page a resident or a member of
staff opens, even when nothing in it changed (issue 15). Here a session that did not
change is written only when the end it has in the database is more than REFRESH_SECONDS
behind the end this request gives it. The idle time still ends it: at most REFRESH_SECONDS
sooner than it would have, 8 hours after the last request minus at most a minute. A
session that changed (a sign-in, a message, a second factor) is always written.
"""

from datetime import datetime, timedelta

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

REFRESH_SECONDS = 60


class SessionStore(DatabaseSessionStore):
    """The database session store that skips writing back an unchanged, recently saved one."""

    _stored_expiry: datetime | None = None  # the end the database has, as loaded

    def load(self):
        stored = self._get_session_from_db()
        self._stored_expiry = stored.expire_date if stored else None
        return self.decode(stored.session_data) if stored else {}

    def save(self, must_create=False):
        if not must_create and not self.modified and self._fresh_enough():
            return
        super().save(must_create=must_create)
        self._stored_expiry = None  # written: whatever it holds now is this request's

    def _fresh_enough(self) -> bool:
        if self._stored_expiry is None or self.session_key is None:
            return False
        behind = self.get_expiry_date() - self._stored_expiry
        return behind < timedelta(seconds=REFRESH_SECONDS)
