from django.db import migrations

from blog.migrations._vendor import run_for_vendor

# Each database gets its own kind of index; the other's tables never exist there.
SQLITE = [
    """CREATE VIRTUAL TABLE blog_post_fts USING fts5(
        title, taxonomy, excerpt, body,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )""",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS blog_post_fts"]
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # English stemming without a stop-word list: phrases keep "of" and "the" as SQLite's
    # FTS5 does; the query parser drops stop words from plain words for both engines.
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = 'blog_english_stem') THEN
            CREATE TEXT SEARCH DICTIONARY blog_english_stem (TEMPLATE = snowball, Language = english);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'blog_english') THEN
            CREATE TEXT SEARCH CONFIGURATION blog_english (COPY = english);
            ALTER TEXT SEARCH CONFIGURATION blog_english
                ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH blog_english_stem;
            ALTER TEXT SEARCH CONFIGURATION blog_english
                ALTER MAPPING FOR word, hword, hword_part WITH unaccent, blog_english_stem;
        END IF;
    END $$""",
    """CREATE TABLE blog_postsearch (
        post_id bigint PRIMARY KEY REFERENCES blog_post (id) ON DELETE CASCADE,
        document tsvector NOT NULL,
        body_text text NOT NULL
    )""",
    "CREATE INDEX blog_postsearch_document ON blog_postsearch USING GIN (document)",
]
POSTGRESQL_REVERSE = ["DROP TABLE IF EXISTS blog_postsearch"]


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            run_for_vendor(SQLITE, POSTGRESQL),
            run_for_vendor(SQLITE_REVERSE, POSTGRESQL_REVERSE),
        ),
    ]
