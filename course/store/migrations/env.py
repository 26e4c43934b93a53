"""Alembic's environment for the course store: migrations run on the connection the store hands
over (``config.attributes["connection"]``), inside the store's transaction.

The store runs them itself when it opens (``course.store.database.migrate``); nobody runs
``alembic upgrade`` by hand. To write a new revision, see ``README.md`` beside this file.
"""

from __future__ import annotations

from alembic import context

from course.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "The course store runs its own migrations on open (course.store.open_store); "
        "they need the store's connection in config.attributes['connection']."
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite can't ALTER most things; batch mode copies the table instead
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
