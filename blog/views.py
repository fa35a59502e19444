import functools
import hashlib
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db import DatabaseError, connections
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, MonthArchiveView

from blog import content_version, fragments, previews, ratelimit, search, view_counts
from blog.client_ip import client_ip
from blog.models import Category, ImportRecord, Post, Tag
from blog.sitemaps import SITEMAPS

# Large entries: dropped after an hour even when the content has not changed.
SITEMAP_CACHE_SECONDS = 3600


def digest(text: str) -> str:
    """A cache key's part naming an address's slug or name, whatever its length or letters."""
    return hashlib.sha256(text.encode()).hexdigest()


class PrefetchedFragmentsMixin:
    """Reads the cached fragments the template will ask for in one round trip."""

    def fragments(self, context) -> list[tuple]:
        return list(fragments.SITE_WIDE)

    def render_to_response(self, context, **response_kwargs):
        fragments.prefetch(self.fragments(context))
        return super().render_to_response(context, **response_kwargs)


class CountedOncePaginator(Paginator):
    """Counts its list, and reads the ids of each of its pages, once per content version,
    under a key naming the list: at 100,000 posts a COUNT(*) over every published post costs
    as much as the rest of the home page, and building the query of a page's ids a third of
    it. Every change that can move a post in or out of a list bumps the version."""

    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = digest(count_key)

    @cached_property
    def count(self):
        return content_version.cached(
            f"list-count:{self.count_key}", lambda: Paginator.count.func(self)
        )

    def page(self, number):
        """The page, holding its posts' ids (the post_cards tag renders them)."""
        number = self.validate_number(number)
        if not self.count:
            # Nothing kept for an empty list: any address of a month, say, may ask for one.
            return self._get_page([], number, self)
        full_page = super().page
        ids = content_version.cached(
            f"list-ids:{self.count_key}:{number}",
            lambda: list(full_page(number).object_list.values_list("pk", flat=True)),
        )
        return self._get_page(ids, number, self)


class LazyPosts(SimpleLazyObject):
    """A list's query of posts, built only when it is run: the list's count and page of ids
    are kept per content version (CountedOncePaginator), and building the query cost a tenth
    of a list page, a sixth of a tag's. What ListView and Paginator ask of a list before they
    run it is answered here."""

    model = Post
    # By Post.Meta.ordering, or in a tag's order (Post.objects.tagged).
    ordered = True


class PostCardsMixin(PrefetchedFragmentsMixin):
    """Lists of post cards named by their path alone: home, one category, tag, author or month.

    A page holds only its posts' ids, read and counted once per content version: their cards
    are cached fragments (the post_cards tag).
    """

    paginate_by = settings.POSTS_PER_PAGE

    def get_queryset(self):
        return LazyPosts(self.posts)

    def posts(self):
        """The list's published posts, newest first (Post.Meta.ordering)."""
        return Post.objects.published()

    def get_paginator(self, queryset, per_page, **kwargs):
        return CountedOncePaginator(queryset, per_page, count_key=self.request.path, **kwargs)


class NotFoundWhenEmptyMixin:
    """A list without a published post is a 404: a category, tag, author or month whose posts
    are all drafts or scheduled must not show that it exists.

    Asked of the paginator's count, kept per content version, rather than of allow_empty =
    False: Django would run one more query on every request (and, for a month, look for the
    nearest months with posts, which the page does not link).
    """

    allow_empty = True

    def paginate_queryset(self, queryset, page_size):
        paginator, page, posts, is_paginated = super().paginate_queryset(queryset, page_size)
        if not paginator.count:
            raise Http404("No published posts.")
        return paginator, page, posts, is_paginated


class PostListView(PostCardsMixin, ListView):
    template_name = "blog/post_list.html"

    def get(self, request, *args, **kwargs):
        # Links to a WordPress site this blog was imported from: /?p=ID and /?page_id=ID.
        old_id = request.GET.get("p") or request.GET.get("page_id") or ""
        if old_id.isdigit():
            address = ImportRecord.objects.wordpress_address(old_id)
            if address is None:
                # As WordPress answers: a draft's old ID is not found, like one never used.
                raise Http404("No published post or page had this WordPress ID.")
            return HttpResponsePermanentRedirect(address)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        # Read only when its fragment is rendered: on the first page, once per content version.
        featured = SimpleLazyObject(lambda: list(Post.objects.published().featured()[:3]))
        return super().get_context_data(featured_posts=featured, **kwargs)

    def fragments(self, context):
        # As the template decides whether to show the featured block.
        first_page = context["page_obj"].number == 1
        return [*super().fragments(context), *([("featured",)] if first_page else [])]


NEIGHBOUR_FIELDS = ("previous_title", "previous_slug", "next_title", "next_slug")


class PostDetailView(PrefetchedFragmentsMixin, DetailView):
    template_name = "blog/post_detail.html"

    def fragments(self, context):
        parts = ("post-meta-tags", "post-header", "post-rest")
        return [*super().fragments(context), *((name, self.object.pk) for name in parts)]

    def get_queryset(self):
        # Built per request: published() compares with the current time. Its tags are read
        # only when the fragments showing them are rendered, once per content version.
        return Post.objects.published().select_related("category", "author")

    def get_object(self, queryset=None):
        """The post as this content version shows it (any change to it, its category or its
        author bumps the version; a scheduled post coming due too), read once per version:
        building the query cost more than the rest of the page. Its view count changes
        without a new version: it is read apart (blog.view_counts.shown)."""
        slug = self.kwargs["slug"]
        post = content_version.cached(
            f"post:{digest(slug)}",
            # Kept in the cache: never with the author's password hash; nor with the body, whose
            # HTML is read only to render its fragment (unpickling both, 18 KB on a typical
            # post, cost four times the rest of the post).
            lambda: get_object_or_404(
                self.get_queryset().defer("author__password", "body", "body_html"), slug=slug
            ),
        )
        post.view_count = view_counts.shown(post)
        return post

    def get_context_data(self, **kwargs):
        post = self.object
        # Both are read only when the end of the post is rendered, once per content version
        # (includes/post_navigation.html); even building their queries costs more than that.
        return super().get_context_data(
            related_posts=SimpleLazyObject(lambda: list(Post.objects.related_to(post))),
            neighbours=SimpleLazyObject(
                lambda: Post.objects.with_neighbours().values(*NEIGHBOUR_FIELDS).get(pk=post.pk)
            ),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # Counted by ViewCountMiddleware, which also sees it on the page served from the cache.
        response.post_read = self.object.slug
        return response


class PostsOfView(NotFoundWhenEmptyMixin, PostCardsMixin, ListView):
    """The published posts of one category, tag or author."""

    subject_model = None  # the model named in the URL
    subject_field = "slug"  # its field, named alike in the URL
    posts_filter = None  # the Post lookup that selects its posts
    context_name = None

    def get_queryset(self):
        value = self.kwargs[self.subject_field]
        # Read once per content version, as the page's post ids are.
        self.subject = content_version.cached(
            f"subject:{self.subject_model._meta.label}:{digest(value)}",
            lambda: get_object_or_404(self.get_subject_queryset(), **{self.subject_field: value}),
        )
        return super().get_queryset()

    def posts(self):
        return self.posts_of_subject(super().posts())

    def posts_of_subject(self, posts):
        return posts.filter(**{self.posts_filter: self.subject})

    def get_subject_queryset(self):
        return self.subject_model._default_manager.all()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{self.context_name: self.subject}, **kwargs)


class CategoryDetailView(PostsOfView):
    template_name = "blog/category_detail.html"
    subject_model, posts_filter, context_name = Category, "category", "category"


class TagDetailView(PostsOfView):
    template_name = "blog/tag_detail.html"
    subject_model, context_name = Tag, "tag"

    def posts_of_subject(self, posts):
        return posts.tagged(self.subject)

    def get_context_data(self, **kwargs):
        # Built here: two {% blocktranslate %} cost a tenth of the page.
        title = f"Posts tagged “{self.subject.name}”"
        return super().get_context_data(
            title=title, description=f"{title} on {settings.SITE_NAME}.", **kwargs
        )


class AuthorDetailView(PostsOfView):
    template_name = "blog/author_detail.html"
    subject_model, posts_filter, context_name = get_user_model(), "author", "author"
    subject_field = "username"

    def get_subject_queryset(self):
        # Kept in the cache: never with the password's hash.
        return super().get_subject_queryset().select_related("author_profile").defer("password")

    def get_context_data(self, **kwargs):
        # Not every user has a profile; select_related knows, so asking costs no query.
        profile = getattr(self.subject, "author_profile", None)
        return super().get_context_data(bio=profile.bio.strip() if profile else "", **kwargs)


class ArchiveMonthView(NotFoundWhenEmptyMixin, PostCardsMixin, MonthArchiveView):
    template_name = "blog/archive_month.html"
    date_field = "published_at"
    month_format = "%m"

    def get_dated_queryset(self, **lookup):
        # Built only when the month's count or a page's ids are not kept, as other lists are.
        return LazyPosts(functools.partial(super().get_dated_queryset, **lookup))

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # Never run, unlike Django's, which runs it to check for emptiness: the days of the
        # month with posts are a DISTINCT over all of them (10 ms at 100,000 posts), and the
        # page shows none of them.
        return SimpleLazyObject(
            lambda: queryset.datetimes(
                self.get_date_field(), date_type or self.get_date_list_period(), ordering
            )
        )


def archive_index(request):
    return render(request, "blog/archive.html", {"months": Post.objects.published().by_month()})


class SearchView(ListView):
    template_name = "blog/search.html"
    paginate_by = settings.POSTS_PER_PAGE

    def get(self, request, *args, **kwargs):
        allowed, retry_after = ratelimit.allow(
            "search", client_ip(request), settings.SEARCH_RATE_LIMIT
        )
        if not allowed:
            response = render(request, "blog/search_limited.html", status=429)
            response["Retry-After"] = str(retry_after)
            return response
        self.text = search.clean(request.GET.get("q", ""))
        self.query = search.parse(self.text)
        self.category = self._filter(Category.objects.in_use(), "category")
        self.tag = self._filter(Tag.objects.in_use(), "tag")
        return super().get(request, *args, **kwargs)

    def _filter(self, in_use, parameter):
        # Only categories and tags with published posts: a filter must not name a hidden one.
        slug = self.request.GET.get(parameter)
        return get_object_or_404(in_use, slug=slug) if slug else None

    def get_queryset(self):
        return search.search_posts(self.query, category=self.category, tag=self.tag)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            query=self.text,
            category=self.category,
            tag=self.tag,
            # Only the newest matches are ranked: say "200+" rather than 200.
            more_results=not self.object_list.complete,
            **kwargs,
        )
        search.highlight(self.query, context["object_list"])
        if not context["object_list"]:
            # Counting every tagging is costly on a large archive: counted once per content version.
            context["popular_tags"] = content_version.cached(
                "popular-tags", lambda: list(Tag.objects.popular()[:20])
            )
            context["recent_posts"] = Post.objects.published().for_listing()[:5]
        return context


def post_preview(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    post = get_object_or_404(previews.preview_posts(), pk=pk)
    if not post.can_be_previewed_by(request.user):
        raise Http404
    return previews.render_preview(request, post)


@require_safe
def shared_preview(request, token):
    """A reviewer's read-only look at a post through a signed link (see blog/previews.py)."""
    post = previews.shared_post(token)
    if post is None:
        response = render(request, "blog/preview_link_invalid.html", status=404)
        response["X-Robots-Tag"] = "noindex"
        return response
    return previews.render_preview(request, post)


def sitemap(request):
    """One sitemap while each section fits one file, an index of the sections' files after that."""

    def build():
        if any(section().paginator.num_pages > 1 for section in SITEMAPS.values()):
            return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap_section")
        return sitemap_views.sitemap(request, SITEMAPS)

    return built_once_per_content_version(request, build)


def sitemap_section(request, section):
    return built_once_per_content_version(
        request, lambda: sitemap_views.sitemap(request, SITEMAPS, section=section)
    )


def built_once_per_content_version(request, build):
    """The response of `build()` for this address, kept until the content changes.

    A sitemap of tens of thousands of addresses takes seconds to build and is the same for
    everyone; errors (a 404 for a page past the end) are raised, never kept.
    """

    def render():
        response = build()
        response.render()
        return response.status_code, list(response.items()), response.content

    # The path and Django's page parameter `p` name the response; any other query string
    # must not make a fresh build of seconds (and a fresh cache entry) per distinct value.
    key = f"xml:{request.path}?p={request.GET.get('p', '')}"
    status, headers, content = content_version.cached(key, render, timeout=SITEMAP_CACHE_SECONDS)
    return HttpResponse(content, status=status, headers=dict(headers))


def robots_txt(request):
    return render(
        request, "robots.txt", {"admin_url": settings.ADMIN_URL}, content_type="text/plain"
    )


def server_error(request):
    """A friendly page that needs neither the database nor the template context."""
    if isinstance(sys.exc_info()[1], DatabaseError):
        return HttpResponse(render_to_string("503.html"), status=503, headers={"Retry-After": "30"})
    return HttpResponse(render_to_string("500.html"), status=500)


def health(request):
    checks = {}
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            checks[f"database:{alias}"] = "ok"
        except Exception as error:  # noqa: BLE001 - any failure means unhealthy
            checks[f"database:{alias}"] = f"error: {type(error).__name__}"
    for alias in settings.CACHES:
        try:
            caches[alias].set("healthz", "ok", 5)
            checks[f"cache:{alias}"] = "ok" if caches[alias].get("healthz") == "ok" else "error"
        except Exception as error:  # noqa: BLE001
            checks[f"cache:{alias}"] = f"error: {type(error).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
