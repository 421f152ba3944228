"""The migrations build exactly the tables the models describe.

Reflex would compare them at every start when given the database URL; the portal manages its own
database (mypage db upgrade), so the comparison runs here, once, instead of on each cold start.
"""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import mypage.models  # noqa: F401  (registers the tables)


def test_the_newest_migration_matches_the_models(database_url):
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []
