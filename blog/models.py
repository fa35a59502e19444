import datetime
import html
import re
import uuid
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import connections, models, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.db.models.sql import UpdateQuery
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import ItemBase, TagBase

from blog import content_version, images, links
from blog.markdown import excerpt_from_html, reading_time, render_markdown
from blog.tagging import fold, tidy


class ContentQuerySet(models.QuerySet):
    """Bulk writes fire no signals, so they bump the content version themselves."""

    unseen_fields = frozenset()

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if not self.unseen_fields.issuperset(kwargs):
            content_version.bump_on_commit()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        content_version.bump_on_commit()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if not self.unseen_fields.issuperset(fields):
            content_version.bump_on_commit()
        return rows


def _search():
    # blog.search needs the models; imported when first used to avoid a cycle.
    from blog import search

    return search


class TaxonomyQuerySet(ContentQuerySet):
    """Renaming categories or tags in bulk changes the search text of their posts."""

    def update(self, **kwargs):
        if "name" not in kwargs:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            post_ids = list(self.post_ids())
            rows = super().update(**kwargs)
            _search().index_posts(post_ids)
        return rows


class TaggedPostQuerySet(models.QuerySet):
    """Tagging posts in bulk fires no signals: reindex them and bump the content version."""

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            post_ids = {tagging.content_object_id for tagging in created}
            self.model._default_manager.using(self.db).filter(
                content_object__in=post_ids
            ).copy_publication()
            _search().index_posts(post_ids)
        content_version.bump_on_commit()
        return created

    def copy_publication(self) -> int:
        """Copy each tagged post's `listed_at` onto its taggings (see TaggedPost.published_at)."""
        posts = Post.objects.filter(pk=OuterRef("content_object"))
        return self.update(published_at=Subquery(posts.values(listed=LISTED_AT)))


class IndexedQuerySet(ContentQuerySet):
    """Also keeps the search index in step with bulk writes to posts."""

    def update(self, **kwargs):
        if self.unseen_fields.issuperset(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            post_ids = list(self.values_list("pk", flat=True))
            rows = super().update(**kwargs)
            _search().index_posts(post_ids)
        return rows

    def bulk_create(self, objs, *args, index=True, **kwargs):
        """`index=False` for a caller that adds tags next and then calls index_posts itself."""
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            if index:
                _search().index_posts([post.pk for post in created if post.pk])
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        with transaction.atomic(using=self.db):
            rows = super().bulk_update(objs, fields, *args, **kwargs)
            if not self.unseen_fields.issuperset(fields):
                _search().index_posts([post.pk for post in objs])
        return rows


def cover_image_path(post, filename: str) -> str:
    """A random name: a draft's cover must not be found by guessing its original file name."""
    extension = Path(filename).suffix.lower()
    return f"covers/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


def unique_slug(model, text: str, instance_pk=None, max_length: int = 200) -> str:
    """A unicode slug for `text` that no other row of `model` uses yet."""
    base = slugify(text.replace("\x00", ""), allow_unicode=True)[:max_length].strip("-") or "post"
    others = model._default_manager.exclude(pk=instance_pk)
    slug, n = base, 2
    while others.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
        n += 1
    return slug


class CategoryQuerySet(TaxonomyQuerySet):
    def with_post_counts(self):
        """Annotate `post_count`, the number of published posts."""
        published = Q(posts__in=Post.objects.published())
        return self.annotate(post_count=models.Count("posts", filter=published))

    def post_ids(self):
        return Post.objects.filter(category__in=self).values_list("pk", flat=True)

    def in_use(self):
        """Categories with a published post: one index probe each, not a count of every post."""
        return self.filter(Exists(Post.objects.published().filter(category=OuterRef("pk"))))


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    description = models.TextField(
        blank=True, help_text="One or two sentences shown at the top of the category page."
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return links.address("blog:category_detail", self.slug)


class TagQuerySet(TaxonomyQuerySet):
    def get_or_create_folded(self, name: str) -> "Tag":
        """The tag named `name` in any letter case, created if there is none."""
        return self.filter(folded_name=fold(name)).first() or self.create(name=name)

    def with_post_counts(self):
        """Annotate `post_count`, the number of published posts, in one query."""
        published = Q(tagged_posts__content_object__in=Post.objects.published())
        return self.annotate(post_count=models.Count("tagged_posts", filter=published))

    def post_ids(self):
        return Post.objects.filter(tags__in=self).values_list("pk", flat=True).distinct()

    def in_use(self):
        """Tags of at least one published post: a probe of the taggings' index each.

        Asked through the tags, PostgreSQL walked the newest posts until one had the tag
        (25 ms for one tag, 220 ms for all 300 at 100,000 posts; now 0.1 and 10 ms).
        """
        return self.filter(Exists(Post.objects.published().tagged(OuterRef("pk"))))

    def popular(self):
        """Tags of published posts, most used first."""
        return self.with_post_counts().filter(post_count__gt=0).order_by("-post_count", "name")


class Tag(TagBase):
    # Case-insensitive identity computed in Python: SQLite only folds ASCII.
    # Case folding can lengthen a name ("ß" folds to "ss").
    folded_name = models.CharField(max_length=300, unique=True, editable=False)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def clean(self):
        if "," in self.name:
            # Tags are typed as a comma-separated list: a comma would split this one.
            raise ValidationError({"name": "A tag name cannot contain a comma."})
        clash = Tag.objects.filter(folded_name=fold(self.name)).exclude(pk=self.pk)
        if self.name and clash.exists():
            raise ValidationError({"name": "A tag with this name already exists."})

    def save(self, *args, **kwargs):
        self.name = tidy(self.name)
        self.folded_name = fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return links.address("blog:tag_detail", self.slug)

    def slugify(self, tag, i=None):
        # A name made only of symbols or emoji has no slug of its own.
        return super().slugify(tag if slugify(tag, allow_unicode=True) else "tag", i)


class TaggedPost(ItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_posts")
    content_object = models.ForeignKey("Post", on_delete=models.CASCADE)
    # The post's `listed_at`, copied here so that a tag's newest posts are read off one index
    # instead of joining and sorting all of them (a tag of 39,000 posts: 200 ms a page).
    # Post.save, PostQuerySet.update and bulk_update and tagging keep it in step; lists still
    # filter on the post's own status and date, so a stale copy could hide a post, never show one.
    published_at = models.DateTimeField(null=True, editable=False)

    objects = TaggedPostQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_post_tag")
        ]
        indexes = [
            models.Index(
                fields=["tag", "-published_at", "-content_object"], name="tagged_post_listing"
            )
        ]

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.published_at = self.content_object.listed_at
        super().save(*args, **kwargs)


class PostTagManager(_TaggableManager):
    """Hands taggit existing tags for names typed in another case."""

    def add(self, *tags, **kwargs):
        super().add(*self._as_tags(tags), **kwargs)

    def set(self, tags, **kwargs):
        super().set(self._as_tags(tags), **kwargs)

    @staticmethod
    def _as_tags(tags):
        return [
            Tag.objects.get_or_create_folded(tag) if isinstance(tag, str) else tag
            for tag in tags
            if not isinstance(tag, str) or tag.strip()
        ]


class CompiledOnce:
    """A statement about the published post of one slug, compiled by the ORM once per database.

    Counting a read runs two statements, and compiling them through the ORM took more CPU
    than running them (about 1 ms a counted read). Only the slug, the time and the day change
    from one read to the next: `compile(using, slug, now, day)` returns (sql, params) for
    stand-in values once, and each run puts the real ones in their places.
    """

    SLUG = "\x00slug"  # no slug holds a NUL byte
    NOW = datetime.datetime(2000, 1, 2, tzinfo=datetime.UTC)
    DAY = datetime.date(1999, 12, 31)

    def __init__(self, compile):
        self.compile = compile
        self.compiled = {}

    def execute(self, using: str, slug: str) -> int:
        """Runs the statement for `slug` now; the number of rows it wrote."""
        connection = connections[using]
        if using not in self.compiled:
            self.compiled[using] = self._compile(using, connection)
        sql, params, places = self.compiled[using]
        params = params.copy()
        for index, value in places:
            params[index] = value(slug, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def _compile(self, using, connection):
        sql, params = self.compile(using, self.SLUG, self.NOW, self.DAY)
        params = list(params)
        values = {
            self.SLUG: lambda slug, connection: slug,
            connection.ops.adapt_datetimefield_value(self.NOW): (
                lambda slug, connection: connection.ops.adapt_datetimefield_value(timezone.now())
            ),
            connection.ops.adapt_datefield_value(self.DAY): (
                lambda slug, connection: connection.ops.adapt_datefield_value(timezone.localdate())
            ),
        }
        places = [(index, values[param]) for index, param in enumerate(params) if param in values]
        if sum(param == self.SLUG for param in params) != 1:
            raise ValueError(f"{sql!r} must name the stand-in slug once")
        return sql, params, places


def _add_view_sql(using, slug, now, day):
    posts = Post.objects.using(using).published(at=now).filter(slug=slug)
    query = posts.query.chain(UpdateQuery)
    query.add_update_values({"view_count": F("view_count") + 1})
    return query.get_compiler(using).as_sql()


def _count_day_view_sql(using, slug, now, day):
    return _day_views_sql(using, {slug: 1}, now, day)


def _day_views_sql(using, views: dict[str, int], now, day):
    """INSERT ... ON CONFLICT adding `views` (slug -> reads) of published posts to `day`."""
    connection = connections[using]
    posts = Post.objects.using(using).published(at=now).filter(slug__in=views).values("pk")
    sql, params = posts.query.sql_with_params()
    table = connection.ops.quote_name(DailyPostViews._meta.db_table)
    posts_table = connection.ops.quote_name(Post._meta.db_table)
    return (
        # The WHERE also lets SQLite read ON CONFLICT as the upsert clause.
        f"INSERT INTO {table} (post_id, day, views) "
        f"SELECT id, %s, {_reads_case(views)} FROM {posts_table} WHERE id IN ({sql}) "
        f"ON CONFLICT (post_id, day) DO UPDATE SET views = {table}.views + excluded.views",
        [connection.ops.adapt_datefield_value(day), *_reads_params(views), *params],
    )


def _reads_case(views: dict[str, int]) -> str:
    """SQL for the reads of the row's post among `views` (slug -> reads). For one post, a
    constant: CompiledOnce wants the slug named once."""
    if len(views) == 1:
        return str(int(*views.values()))
    return "CASE slug" + " WHEN %s THEN %s" * len(views) + " END"


def _reads_params(views: dict[str, int]) -> list:
    if len(views) == 1:
        return []
    return [value for slug, reads in views.items() for value in (slug, int(reads))]


ADD_VIEW = CompiledOnce(_add_view_sql)
COUNT_DAY_VIEW = CompiledOnce(_count_day_view_sql)


# How many of the newest posts sharing a tag, and of the newest in the category, are ranked
# for a post's related posts.
RELATED_POOL = 200


class PostQuerySet(IndexedQuerySet):
    # Counted views show on cached pages after at most the page cache's timeout;
    # was_published shows nowhere until the post is deleted.
    unseen_fields = frozenset({"view_count", "was_published"})

    def update(self, **kwargs):
        """Bulk writes pass no pre_save signal: note here which posts readers have seen.

        A post public before or after the update keeps a 410 once deleted (blog/redirects.py).
        """
        if not Post.LISTED_AT_FIELDS & kwargs.keys():
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            post_ids = list(self.values_list("pk", flat=True))
            unmarked = self.model._default_manager.using(self.db).filter(
                pk__in=post_ids, was_published=False
            )
            unmarked.published().update(was_published=True)
            rows = super().update(**kwargs)
            unmarked.published().update(was_published=True)
            TaggedPost.objects.using(self.db).filter(content_object__in=post_ids).copy_publication()
        return rows

    def bulk_update(self, objs, fields, *args, **kwargs):
        if not Post.LISTED_AT_FIELDS & set(fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        objs = list(objs)
        with transaction.atomic(using=self.db):
            rows = super().bulk_update(objs, fields, *args, **kwargs)
            taggings = TaggedPost.objects.using(self.db)
            taggings.filter(content_object__in=[post.pk for post in objs]).copy_publication()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for post in objs:
            post.was_published = post.was_published or bool(post.published_at and post.is_published)
        return super().bulk_create(objs, *args, **kwargs)

    def published(self, at=None):
        """The one definition of what the public may see (now, or `at` another moment)."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=at or timezone.now())

    def scheduled(self):
        return self.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())

    def tagged(self, tag):
        """The posts of `tag` listed now, newest first, read in the order of the taggings'
        index (tag, published_at, post): a page of a large tag reads its ten rows, not all.

        Chain it after published(): the copy on the tagging serves the order, the post's own
        status and date decide what is shown.
        """
        listed = Q(taggedpost__tag=tag, taggedpost__published_at__lte=timezone.now())
        return self.filter(listed).order_by(
            "-taggedpost__published_at", "-taggedpost__content_object_id"
        )

    def view_count_of(self, pk: int, default: int = 0) -> int:
        """The view count of the post `pk` (`default` if it is gone), in a statement written
        once: building it through the ORM on every post page cost more than running it."""
        connection = connections[self.db]
        table = connection.ops.quote_name(Post._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT view_count FROM {table} WHERE id = %s", [pk])
            row = cursor.fetchone()
        return row[0] if row else default

    def add_view(self, slug: str) -> bool:
        """Add one to the view count of the published post `slug`, in one atomic UPDATE.

        Whether there is such a post. Call it on Post.objects: the statement is compiled once
        (see CompiledOnce) and looks at no other filter.
        """
        return bool(ADD_VIEW.execute(self.db, slug))

    def add_views(self, views: dict[str, int]) -> int:
        """Add a batch of reads (slug -> reads) to the published posts' view counts, in one
        UPDATE; how many posts that was."""
        if not views:
            return 0
        connection = connections[self.db]
        sql, params = self.published().filter(slug__in=views).values("pk").query.sql_with_params()
        table = connection.ops.quote_name(Post._meta.db_table)
        # Raw, as the daily counts are: the ORM resolves a Case of When(slug=...) per post.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET view_count = view_count + {_reads_case(views)}"
                f" WHERE id IN ({sql})",
                [*_reads_params(views), *params],
            )
            return cursor.rowcount

    def for_listing(self):
        """Newest first, with what a list shows: category, author and tags; not the body.

        The tags are a plain list, `listed_tags`: prefetched into `tags`, django-taggit would
        build a filtered queryset for every post only to hold them (a third of a list page).
        """
        return (
            self.select_related("category", "author")
            .prefetch_related(Prefetch("tags", to_attr="listed_tags"))
            .defer("body", "body_html")
            .order_by("-published_at", "-pk")
        )

    def by_month(self):
        """Months that have posts, newest first, each with `month` and `post_count`."""
        return (
            self.annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(post_count=models.Count("pk"))
            .order_by("-month")
        )

    def featured(self):
        """Featured posts, newest first, with what the featured block shows (no tags)."""
        return self.filter(featured=True).for_listing().prefetch_related(None)

    def popular(self):
        """Published posts, most read first; only what a link to them needs."""
        return (
            self.published()
            .order_by("-view_count", "-published_at", "-pk")
            .only("title", "slug", "published_at")
        )

    def related_to(self, post, limit=3):
        """Up to `limit` published posts like `post`, ranked by one query.

        Ranked by the number of tags they share with it, then being in its category, then
        newest first. A post sharing neither a tag nor the category is not related. Only the
        posts of the newest RELATED_POOL taggings of its tags and the newest RELATED_POOL
        posts of its category are ranked, so the cost stays the same however large the
        archive grows.

        Its tags and the candidates are read first, as lists of ids: given them as
        subqueries, PostgreSQL guessed a rare tag common and walked every tagging for the
        newest few, then hashed every tagging to count shared tags (150-800 ms a post at
        100,000 posts, where the lists cost a few milliseconds).
        """
        its_tags = list(
            TaggedPost.objects.filter(content_object=post.pk).values_list("tag", flat=True)
        )
        tagged_alike = TaggedPost.objects.filter(tag__in=its_tags).order_by("-pk")
        candidates = set(tagged_alike.values_list("content_object", flat=True)[:RELATED_POOL])
        if post.category_id:
            in_its_category = Q(category_id=post.category_id)
            same_category = Case(When(in_its_category, then=1), default=0)
            newest_in_category = self.published().filter(in_its_category).order_by("-published_at")
            candidates.update(newest_in_category.values_list("pk", flat=True)[:RELATED_POOL])
        else:
            same_category = Value(0)
        shares_a_tag = Q(tags__in=its_tags)
        return (
            self.published()
            .exclude(pk=post.pk)
            .filter(pk__in=candidates)
            .annotate(
                shared_tags=Count("tags", filter=shares_a_tag, distinct=True),
                same_category=same_category,
            )
            .select_related("category")
            .only("title", "slug", "published_at", "category__name", "category__slug")
            .order_by("-shared_tags", "-same_category", "-published_at", "-pk")[:limit]
        )

    def with_neighbours(self):
        """Annotate the published posts just before and after each post, by publication time.

        `previous_title`/`previous_slug` name the older one, `next_title`/`next_slug` the
        newer one (None at either end): four small indexed subqueries, no extra query.
        """
        published = self.model._default_manager.published()
        at, pk = OuterRef("published_at"), OuterRef("pk")
        # "Before or at, but not a later id at the same time" rather than "before, or at with
        # an earlier id": the bound on published_at starts the index scan at the post's own
        # time. With the OR, it started at the newest post and skipped every post in between
        # (275 ms for an old post at 100,000 posts).
        older = published.filter(published_at__lte=at).exclude(published_at=at, pk__gte=pk)
        newer = published.filter(published_at__gte=at).exclude(published_at=at, pk__lte=pk)
        older = older.order_by("-published_at", "-pk")
        newer = newer.order_by("published_at", "pk")
        return self.annotate(
            previous_title=Subquery(older.values("title")[:1]),
            previous_slug=Subquery(older.values("slug")[:1]),
            next_title=Subquery(newer.values("title")[:1]),
            next_slug=Subquery(newer.values("slug")[:1]),
        )


# body_html is sanitised and its headings carry ids (see blog/markdown.py).
SECTION_HEADING = re.compile(r'<h2\b[^>]*?\bid="([^"]+)"[^>]*>(.*?)</h2>', re.I | re.S)
TOC_MIN_SECTIONS = 3


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        allow_unicode=True,
        help_text="The post's address. Leave empty to make it from the title.",
    )
    reading_time = models.PositiveSmallIntegerField(editable=False, default=1)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    tags = TaggableManager(
        through=TaggedPost,
        manager=PostTagManager,
        blank=True,
        help_text="Separate tags with commas: AI Security, Python.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Filled in when you publish. A future time schedules the post: "
        "it appears by itself at that time.",
    )
    cover_image = models.ImageField(
        upload_to=cover_image_path,
        blank=True,
        width_field="cover_image_width",
        height_field="cover_image_height",
        # Only raster formats: SVG and HTML could carry scripts when served back.
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp", "gif"])],
        help_text="A JPEG, PNG, WebP or GIF image.",
    )
    # Stored at upload so that pages never open the file to size the image.
    cover_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_image_alt = models.CharField(
        "cover image description",
        max_length=250,
        blank=True,
        help_text="What the cover image shows, for readers who cannot see it.",
    )
    view_count = models.PositiveBigIntegerField(default=0, editable=False)
    # Once readers have seen a post, deleting it leaves a 410 Gone (see blog/redirects.py).
    was_published = models.BooleanField(default=False, editable=False)
    featured = models.BooleanField(
        default=False, help_text="Show this post in the featured block above the home page list."
    )
    seo_title = models.CharField(
        "SEO title",
        max_length=70,
        blank=True,
        help_text="The title search engines show. Leave empty to use the post's title.",
    )
    meta_description = models.CharField(
        max_length=200,
        blank=True,
        help_text="The summary search engines and social cards show. Empty: the excerpt.",
    )
    # The resized copies of the cover made at upload (see blog/images.py): a list of
    # {"width", "height", "format", "name"}.
    cover_renditions = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The long texts come last: SQLite stores a row's columns in this order, and reading a
    # post's date or status must not walk the overflow pages of its body.
    excerpt = models.TextField(
        blank=True,
        help_text="The lede shown under the title and in lists. "
        "Leave empty to use the opening words of the body.",
    )
    body = models.TextField(
        help_text="Markdown: ## headings, **bold**, lists, [links](https://…), tables, footnotes."
    )
    body_html = models.TextField(editable=False, default="")

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            # With the id, the index gives the lists' whole order (newest, then id): without
            # it SQLite joined every post's author first and sorted them all (600 ms at 100k).
            models.Index(
                fields=["status", "-published_at", "-id"], name="post_status_published_id"
            ),
            # With the id, as lists order (newest first, then by id): no sort over a page's ties.
            models.Index(
                fields=["category", "status", "-published_at", "-id"], name="post_category_listing"
            ),
            models.Index(
                fields=["author", "status", "-published_at", "-id"], name="post_author_listing"
            ),
            models.Index(fields=["featured", "status", "-published_at"], name="post_featured"),
            models.Index(fields=["status", "-view_count"], name="post_popular"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="published_post_has_date",
            ),
        ]
        permissions = [("publish_post", "Can publish, schedule and unpublish posts")]

    # The cover's file name in the database, set when the row is read; None: not read.
    _stored_cover = None
    COVER_DERIVED_FIELDS = ("cover_image_width", "cover_image_height", "cover_renditions")
    # What `listed_at` is made of: a write to either refreshes the taggings' copy of it.
    LISTED_AT_FIELDS = frozenset({"status", "published_at"})

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Imports can carry NUL bytes, which PostgreSQL refuses in text.
        self.title, self.excerpt, self.body = (
            text.replace("\x00", "") for text in (self.title, self.excerpt, self.body)
        )
        if not self.slug:
            self.slug = unique_slug(Post, self.title, self.pk)
        self.fill_publication_date()
        self.render()
        cover_changed = self.cover_changed(kwargs.get("update_fields"))
        if cover_changed:
            old_files = images.cover_files(self.stored_cover_name(), self.cover_renditions)
            self.refresh_cover()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], *self.COVER_DERIVED_FIELDS}
        adding = self._state.adding
        super().save(*args, **kwargs)
        if cover_changed:
            images.delete_on_commit(old_files)
            self._stored_cover = self.cover_image.name
        update_fields = kwargs.get("update_fields")
        if not adding and (update_fields is None or self.LISTED_AT_FIELDS & {*update_fields}):
            taggings = TaggedPost.objects.using(self._state.db).filter(content_object=self)
            taggings.update(published_at=self.listed_at)

    def get_absolute_url(self):
        return links.address("blog:post_detail", self.slug)

    @classmethod
    def from_db(cls, db, field_names, values):
        post = super().from_db(db, field_names, values)
        if "cover_image" in field_names:
            post._stored_cover = post.cover_image.name or ""
        return post

    def clean(self):
        # Before constraint validation, which requires a date on published posts.
        self.fill_publication_date()
        if self.cover_image and not self.cover_image_alt.strip():
            raise ValidationError(
                {"cover_image_alt": "Describe the cover image for readers who cannot see it."}
            )

    def render(self):
        """Derive body_html, reading_time and (unless an editor wrote one) the excerpt."""
        derived_before = excerpt_from_html(self.body_html)
        self.body_html = render_markdown(self.body)
        if not self.excerpt.strip() or self.excerpt == derived_before:
            self.excerpt = excerpt_from_html(self.body_html)
        self.reading_time = reading_time(self.body_html)

    def cover_changed(self, update_fields=None) -> bool:
        """Whether the cover was replaced, added or removed since the row was read."""
        if update_fields is not None and "cover_image" not in update_fields:
            return False
        if "cover_image" in self.get_deferred_fields():
            return False
        return (self.cover_image.name or "") != self.stored_cover_name()

    def stored_cover_name(self) -> str:
        if self._state.adding:
            return ""
        if self._stored_cover is None:
            # Loaded without its cover and given one since: ask the database.
            stored = Post.objects.filter(pk=self.pk).values_list("cover_image", flat=True)
            self._stored_cover = stored.first() or ""
        return self._stored_cover

    def refresh_cover(self):
        """Store a new cover upright and without metadata, and make its renditions."""
        images.store_cover(self)

    def cover_sources(self) -> dict[str, str]:
        """The renditions' srcsets for the page, `webp` and `fallback`; no file is opened."""
        return images.srcsets(self.cover_renditions)

    def fill_publication_date(self):
        """A post published without a date goes out now."""
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def listed_at(self):
        """When lists start showing the post: its publication time (maybe still to come) if
        its status is published, None for a draft."""
        return self.published_at if self.status == self.Status.PUBLISHED else None

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    def can_be_previewed_by(self, user) -> bool:
        """Staff preview is decided here and nowhere else: editors any post, authors their own."""
        if not (user.is_active and user.is_staff and user.has_perm("blog.change_post")):
            return False
        return user.has_perm("blog.publish_post") or self.author_id == user.pk

    @property
    def search_title(self) -> str:
        """The title search engines and social cards show."""
        return self.seo_title.strip() or self.title

    @property
    def search_description(self) -> str:
        """The summary search engines and social cards show."""
        return self.meta_description.strip() or self.excerpt.strip() or self.title

    @cached_property
    def table_of_contents(self) -> list[tuple[str, str]]:
        """(id, text) of the body's h2 sections, when there are enough to need a contents list."""
        sections = [
            (html.unescape(anchor), " ".join(html.unescape(strip_tags(text)).split()))
            for anchor, text in SECTION_HEADING.findall(self.body_html)
        ]
        return sections if len(sections) >= TOC_MIN_SECTIONS else []


# Post.listed_at as an SQL expression.
LISTED_AT = Case(When(status=Post.Status.PUBLISHED, then=F("published_at")))


class AuthorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_profile"
    )
    bio = models.TextField(blank=True, help_text="A few sentences shown on the author's page.")

    def __str__(self):
        return f"Profile of {self.user}"


class PostSearch(models.Model):
    """PostgreSQL's weighted search document of a post; the table exists only there.

    SQLite keeps the same text in an FTS5 table instead (see blog/search/sqlite.py).
    """

    post = models.OneToOneField(
        Post, primary_key=True, on_delete=models.DO_NOTHING, related_name="search_document"
    )
    # Publication time, then id, as one number (see blog.search.order_key).
    key = models.BigIntegerField()
    document = SearchVectorField()
    body_text = models.TextField()

    class Meta:
        managed = False
        db_table = "blog_postsearch"

    def __str__(self):
        return f"Search document of post {self.post_id}"


class PostSearchHead(models.Model):
    """The title (A), tags and category (B) and excerpt (C) of a post's search document, on
    PostgreSQL only: small vectors, apart so that the document table stays narrow."""

    post = models.OneToOneField(
        Post, primary_key=True, on_delete=models.DO_NOTHING, related_name="search_head"
    )
    key = models.BigIntegerField()
    head = SearchVectorField()

    class Meta:
        managed = False
        db_table = "blog_postsearch_head"

    def __str__(self):
        return f"Search head of post {self.post_id}"


class OldAddress(models.Model):
    """An address that used to show something: it now redirects there, or answers 410 Gone.

    Written and read through blog/redirects.py.
    """

    path = models.CharField(max_length=500, unique=True, help_text="A path such as /posts/old/.")
    # Deleting the post keeps the row with no target: the address is then gone (410).
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="old_addresses"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="old_addresses"
    )
    tag = models.ForeignKey(
        Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="old_addresses"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "old addresses"
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=True, category__isnull=True)
                | Q(post__isnull=True, tag__isnull=True)
                | Q(category__isnull=True, tag__isnull=True),
                name="old_address_has_one_target",
            ),
        ]

    def __str__(self):
        return self.path


class DailyPostViewsQuerySet(models.QuerySet):
    def count_view(self, slug: str) -> None:
        """Add a view of the published post `slug` to today's count, in one atomic upsert.

        INSERT ... ON CONFLICT DO UPDATE works alike on SQLite and PostgreSQL; the ORM
        cannot increment on conflict. Days are those of the site's time zone. The statement
        is compiled once (see CompiledOnce).
        """
        COUNT_DAY_VIEW.execute(self.db, slug)

    def add_views(self, day: datetime.date, views: dict[str, int]) -> None:
        """Add a batch of reads on `day` (slug -> reads) of published posts, in one upsert."""
        if not views:
            return
        sql, params = _day_views_sql(self.db, views, timezone.now(), day)
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)

    def per_day(self, first_day, last_day) -> list[tuple]:
        """(day, views) for every day from `first_day` to `last_day`, days without views as 0."""
        totals = dict(
            self.filter(day__range=(first_day, last_day))
            .values_list("day")
            .annotate(total=models.Sum("views"))
            .values_list("day", "total")
        )
        days = (
            first_day + datetime.timedelta(days=n) for n in range((last_day - first_day).days + 1)
        )
        return [(day, totals.get(day, 0)) for day in days]


class DailyPostViews(models.Model):
    """Views of a post on one day of the site's time zone; written by blog/view_counts.py."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    objects = DailyPostViewsQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "daily post views"
        constraints = [
            models.UniqueConstraint(fields=["post", "day"], name="one_view_count_per_post_and_day")
        ]
        indexes = [models.Index(fields=["day"], name="daily_views_day")]

    def __str__(self):
        return f"{self.views} views of post {self.post_id} on {self.day}"


class PostRevision(models.Model):
    """What a post looked like after one change in the admin (see blog/revisions.py)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=200)
    slug = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Post.Status.choices)
    published_at = models.DateTimeField(null=True)
    body = models.TextField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["post", "-created_at"], name="revision_post_created")]

    def __str__(self):
        return f"Revision of post {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class ImportRecordQuerySet(models.QuerySet):
    def wordpress_address(self, post_id: str) -> str | None:
        """Where WordPress's /?p=ID (or /?page_id=ID) is now, if that is public; else None."""
        from blog.pages import public_pages

        records = self.filter(source__startswith="wordpress:", external_key=post_id)
        post = Post.objects.published().filter(import_records__in=records).first()
        if post:
            return post.get_absolute_url()
        page = public_pages().filter(pk__in=records.values("page")).first()
        return page.get_absolute_url() if page else None


class ImportRecord(models.Model):
    """An entry of an outside source (a WordPress item, a Markdown file) and what it became here.

    Written by blog/importers/: running an import again skips the entries whose checksum is
    unchanged and updates the others, so nothing is created twice.
    """

    # "markdown:<the folder>" or "wordpress:<the old site's host>", so two sites never collide.
    source = models.CharField(max_length=200)
    # The file's path inside the imported folder, or the WordPress post ID.
    external_key = models.CharField(max_length=500)
    checksum = models.CharField(max_length=64)
    old_url = models.CharField(max_length=500, blank=True)
    # Both empty: what the entry became was deleted here, and an import does not bring it back.
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_records"
    )
    page = models.ForeignKey(
        "flatpages.FlatPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now=True)

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_key"], name="one_record_per_entry")
        ]
        # Old WordPress links (/?p=ID) are looked up by the ID alone.
        indexes = [models.Index(fields=["external_key"], name="import_record_key")]

    def __str__(self):
        return f"{self.source} {self.external_key}"
