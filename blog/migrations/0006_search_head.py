import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

from blog.migrations._vendor import run_for_vendor

# The title, tags and category, and excerpt indexed apart from the bodies, so the ranking
# tiers never read a body (see blog/search).
SQLITE = [
    """CREATE VIRTUAL TABLE blog_post_fts_head USING fts5(
        title, taxonomy, excerpt,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )""",
    """INSERT INTO blog_post_fts_head (rowid, title, taxonomy, excerpt)
        SELECT rowid, title, taxonomy, excerpt FROM blog_post_fts""",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS blog_post_fts_head"]
POSTGRESQL = [
    """CREATE TABLE blog_postsearch_head (
        post_id bigint PRIMARY KEY REFERENCES blog_post (id) ON DELETE CASCADE,
        head tsvector NOT NULL
    )""",
    # Weights A, B and C are the title, the tags and category, and the excerpt.
    """INSERT INTO blog_postsearch_head (post_id, head)
        SELECT post_id, ts_filter(document, '{a,b,c}') FROM blog_postsearch""",
    "CREATE INDEX blog_postsearch_head_head ON blog_postsearch_head USING GIN (head)",
]
POSTGRESQL_REVERSE = ["DROP TABLE IF EXISTS blog_postsearch_head"]


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0005_import_record"),
    ]

    operations = [
        migrations.RunPython(
            run_for_vendor(SQLITE, POSTGRESQL),
            run_for_vendor(SQLITE_REVERSE, POSTGRESQL_REVERSE),
        ),
        migrations.CreateModel(
            name="PostSearchHead",
            fields=[
                (
                    "post",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_head",
                        serialize=False,
                        to="blog.post",
                    ),
                ),
                ("head", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "db_table": "blog_postsearch_head",
                "managed": False,
            },
        ),
    ]
