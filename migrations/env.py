"""Alembic environment: migrates the database named by bot/db.py (or the caller's URL)."""

from logging.config import fileConfig

from alembic import context

from bot import (
    audit,  # noqa: F401 (the erasure audit's tables)
    events,  # noqa: F401 (the event consumer's conversation activity)
    firms,  # noqa: F401 (registers the firm directory's tables)
    staff,  # noqa: F401 (the staff console's accounts, sessions and audit)
)
from bot.db import database_url, make_engine
from bot.delivery import outbox  # noqa: F401 (and the outbox's)
from bot.leads import Base

config = context.config
if config.config_file_name and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

url = config.get_main_option("sqlalchemy.url") or database_url()
target_metadata = Base.metadata

if context.is_offline_mode():
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connectable = make_engine(url)  # SQL parameters hidden, connect timeout
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
