from django.db import migrations

# The search index holds only posts with the published status from now on (drafts, the
# newest posts of all, crowded out the newest matches each tier ranks): drafts leave it.
UNPUBLISHED = "SELECT id FROM blog_post WHERE status <> 'published'"


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in ("blog_post_fts", "blog_post_fts_head"):
                cursor.execute(
                    f"DELETE FROM {table} WHERE rowid IN"
                    f" (SELECT key FROM blog_post_fts_key WHERE post_id IN ({UNPUBLISHED}))"
                )
            cursor.execute(f"DELETE FROM blog_post_fts_key WHERE post_id IN ({UNPUBLISHED})")
        elif connection.vendor == "postgresql":
            for table in ("blog_postsearch_head", "blog_postsearch"):
                cursor.execute(f"DELETE FROM {table} WHERE post_id IN ({UNPUBLISHED})")


class Migration(migrations.Migration):
    dependencies = [("blog", "0010_post_category_author_listing_order")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
