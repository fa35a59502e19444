from django.db import migrations

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
    # Weights A, B and C are the title, the tags and category, and the excerpt.
    """ALTER TABLE blog_postsearch ADD COLUMN head tsvector
        GENERATED ALWAYS AS (ts_filter(document, '{a,b,c}')) STORED""",
    "CREATE INDEX blog_postsearch_head ON blog_postsearch USING GIN (head)",
]
POSTGRESQL_REVERSE = ["ALTER TABLE blog_postsearch DROP COLUMN IF EXISTS head"]


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0005_import_record"),
    ]

    operations = [
        migrations.RunPython(
            run_for_vendor(SQLITE, POSTGRESQL),
            run_for_vendor(SQLITE_REVERSE, POSTGRESQL_REVERSE),
        ),
    ]
