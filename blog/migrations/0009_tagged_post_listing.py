from django.db import migrations, models
from django.db.models import Case, F, OuterRef, Subquery, When


def copy_publication(apps, schema_editor):
    """Each tagging gets its post's listing time: publication time if published, else null."""
    Post = apps.get_model("blog", "Post")
    TaggedPost = apps.get_model("blog", "TaggedPost")
    db = schema_editor.connection.alias
    listed_at = Case(When(status="published", then=F("published_at")), default=None)
    posts = Post.objects.using(db).filter(pk=OuterRef("content_object"))
    TaggedPost.objects.using(db).update(published_at=Subquery(posts.values(listed=listed_at)))


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0008_search_order_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="taggedpost",
            name="published_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(copy_publication, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="taggedpost",
            index=models.Index(
                fields=["tag", "-published_at", "-content_object"], name="tagged_post_listing"
            ),
        ),
    ]
