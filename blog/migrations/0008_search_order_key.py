import math

from django.db import migrations

# Each tier ranks its newest matches: "newest" becomes publication time, then id, instead
# of the id alone (an imported older archive has higher ids than a blog's recent posts).
# SQLite numbers its FTS rows by that key, with a table saying which post each row is;
# PostgreSQL keeps the key in a column beside each vector.
FTS_TABLES = {
    "blog_post_fts": "title, taxonomy, excerpt, body",
    "blog_post_fts_head": "title, taxonomy, excerpt",
}
TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"
BATCH = 5000


def order_key(post) -> int:
    """blog.search.order_key as it was when this migration was written: publication (or
    creation) time in seconds, then the id, in one number."""
    moment = post.published_at or post.created_at
    return math.floor(moment.timestamp()) * 2**24 + post.pk % 2**24


def keys(apps):
    Post = apps.get_model("blog", "Post")
    for post in Post.objects.only("id", "published_at", "created_at").iterator(BATCH):
        yield post.pk, order_key(post)


def renumber_fts(cursor, join):
    """Copy each FTS table into a new one whose rowids follow `join`, then swap them."""
    for table, columns in FTS_TABLES.items():
        cursor.execute(f"CREATE VIRTUAL TABLE {table}_new USING fts5({columns}, {TOKENIZE})")
        cursor.execute(
            f"INSERT INTO {table}_new (rowid, {columns}) SELECT {join['to']}, {columns}"
            f" FROM {table} JOIN blog_post_fts_key ON {join['on']} = {table}.rowid"
        )
        cursor.execute(f"DROP TABLE {table}")
        cursor.execute(f"ALTER TABLE {table}_new RENAME TO {table}")


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TABLE blog_post_fts_key"
                " (post_id INTEGER PRIMARY KEY, key INTEGER NOT NULL UNIQUE)"
            )
            cursor.executemany(
                "INSERT INTO blog_post_fts_key (post_id, key) SELECT %s, %s"
                " WHERE EXISTS (SELECT 1 FROM blog_post_fts WHERE rowid = %s)",
                [(pk, key, pk) for pk, key in keys(apps)],
            )
            renumber_fts(cursor, {"to": "blog_post_fts_key.key", "on": "blog_post_fts_key.post_id"})
        elif connection.vendor == "postgresql":
            pairs = list(keys(apps))
            for table in ("blog_postsearch", "blog_postsearch_head"):
                cursor.execute(f"ALTER TABLE {table} ADD COLUMN key bigint")
                # One statement for all the posts, not one a post.
                cursor.execute(
                    f"UPDATE {table} SET key = k.key"
                    " FROM unnest(%s::bigint[], %s::bigint[]) AS k(post_id, key)"
                    f" WHERE {table}.post_id = k.post_id",
                    [[pk for pk, _ in pairs], [key for _, key in pairs]],
                )
                cursor.execute(f"ALTER TABLE {table} ALTER COLUMN key SET NOT NULL")


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            renumber_fts(cursor, {"to": "blog_post_fts_key.post_id", "on": "blog_post_fts_key.key"})
            cursor.execute("DROP TABLE blog_post_fts_key")
        elif connection.vendor == "postgresql":
            for table in ("blog_postsearch", "blog_postsearch_head"):
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN key")


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0007_post_listing_order"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
