"""Alembic environment: migrates the database named by bot/db.py (or the caller's URL)."""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine

from bot import firms  # noqa: F401 (registers the firm directory's tables)
from bot.db import database_url
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
    connectable = create_engine(url, future=True)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
