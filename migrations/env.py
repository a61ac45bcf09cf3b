"""Alembic environment: the app's engine and metadata, batch mode on SQLite."""

import logging
import warnings
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy.exc import SAWarning

# Batch mode on SQLite reflects a table's neighbours through its foreign keys; SQLite cannot
# reflect the expression index on lower(users.email), and need not: batch mode rebuilds only
# the table being altered, so that index is never touched.
warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index",
                        SAWarning)

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
engine = target_db.engine
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_db.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    with engine.connect() as connection:
        conf_args["render_as_batch"] = connection.dialect.name == "sqlite"  # SQLite cannot ALTER
        context.configure(
            connection=connection,
            target_metadata=target_db.metadata,
            **conf_args,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
