"""The outbox dispatcher: how a written outbox mail leaves, once its transaction commits.

- kick.py: after a transaction that wrote mail commits, one dispatch is started.
- dispatch.py: a dispatch claims the pending, due mails in batches and keeps their retry
  schedule; Celery beat runs one every minute as well (initiatives.tasks.outbox_dispatch).
- delivery.py: a claimed batch goes to the mail server over one connection (kept for the
  dispatch's next batch), and the mails the server took are marked sent a few at a time.
- message.py: an outbox mail written straight to the bytes of its message, cheaply.

Services only write outbox rows (initiatives/notifications.py); nothing here is imported by
them, and nothing here imports the services or the tasks.
"""
