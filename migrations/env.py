import logging
from logging.config import fileConfig

from flask import current_app

from alembic import context
from sqlalchemy import event

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    return get_engine().url.render_as_string(hide_password=False).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    def render_item(type_, obj, autogen_context):
        # Migrations stay free of app imports: UTCDateTime is stored as a plain aware DateTime.
        from lms.db import UTCDateTime
        if type_ == "type" and isinstance(obj, UTCDateTime):
            return "sa.DateTime(timezone=True)"
        return False

    def include_name(name, type_, parent_names):
        # The search index (an FTS5 table and its shadow tables on SQLite) is made by hand in 0012.
        return not (type_ == "table" and (name == "search_index" or name.startswith("search_index_")))

    conf_args = current_app.extensions['migrate'].configure_args
    conf_args.setdefault("include_name", include_name)
    conf_args.setdefault("render_item", render_item)
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        # SQLite's batch mode rebuilds a table (copy, drop, rename): with foreign keys enforced, dropping a
        # table other rows point to fails. So on SQLite the foreign keys are off while migrating (the pragma
        # is ignored inside a transaction, so it comes first), the whole run is one real transaction (the
        # driver's own transaction handling leaves DDL outside it: it is switched off and BEGIN is ours),
        # and the keys are checked before that transaction commits: a migration that leaves a row pointing
        # to nothing is undone whole, version stamp included. The connection is put back as it was.
        sqlite = connection.dialect.name == "sqlite"
        driver = connection.connection.driver_connection if sqlite else None
        previous = driver.isolation_level if sqlite else None
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
            driver.isolation_level = None
            event.listen(connection, "begin", _sqlite_begin)
        try:
            context.configure(
                connection=connection,
                target_metadata=get_metadata(),
                **{**conf_args, **({"transactional_ddl": True} if sqlite else {})}
            )

            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration left rows that point to nothing (table, row, parent): "
                                           f"{[tuple(row[:3]) for row in broken[:5]]}; nothing was changed")
        finally:
            if sqlite:
                if connection.in_transaction():
                    connection.rollback()
                event.remove(connection, "begin", _sqlite_begin)
                driver.isolation_level = previous
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _sqlite_begin(connection):
    connection.exec_driver_sql("BEGIN")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
