import pytest
from django.db import connection

from blog.database import analyze_after_migrate

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's autovacuum keeps its own statistics"
)


def planner_statistics(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0]


@pytest.fixture
def statistics_lost(make_post):
    make_post(title="Counted")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'blog_post'")


def test_migrations_refresh_sqlite_planner_statistics(statistics_lost):
    analyze_after_migrate(sender=None, plan=[("blog", False)])
    assert planner_statistics("blog_post") > 0


def test_a_flush_leaves_the_statistics_alone(statistics_lost):
    analyze_after_migrate(sender=None)
    assert planner_statistics("blog_post") == 0
