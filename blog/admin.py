from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from taggit.models import Tag as TaggitTag

from blog import redirects
from blog.images import validate_cover
from blog.models import AuthorProfile, Category, Post, Tag


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "published_posts"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_post_counts()

    @admin.display(description="published posts", ordering="post_count")
    def published_posts(self, category):
        return category.post_count


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "published_posts", "all_posts"]
    actions = ["merge_tags"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_post_counts()
            .annotate(all_count=Count("tagged_posts", distinct=True))
        )

    @admin.display(description="published posts", ordering="post_count")
    def published_posts(self, tag):
        return tag.post_count

    @admin.display(description="all posts", ordering="all_count")
    def all_posts(self, tag):
        return tag.all_count

    @admin.action(
        description="Merge the selected tags into the one with most posts", permissions=["delete"]
    )
    def merge_tags(self, request, queryset):
        survivor, *others = queryset.order_by("-all_count", "pk")
        if not others:
            self.message_user(request, "Select at least two tags to merge.", messages.WARNING)
            return
        redirects.merge_tags(survivor, others)
        names = ", ".join(f"“{tag}”" for tag in others)
        self.message_user(
            request,
            f"Merged {names} into “{survivor}”; their addresses now lead to it.",
            messages.SUCCESS,
        )


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        if self.value() == "draft":
            return queryset.filter(status=Post.Status.DRAFT)
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "published":
            return queryset.published()
        return queryset


class PostAdminForm(forms.ModelForm):
    # No Meta: the admin builds the form from the fieldsets below.
    def clean_cover_image(self):
        cover = self.cleaned_data["cover_image"]
        # Only a new upload is checked: the stored cover passed when it came in.
        if isinstance(cover, UploadedFile):
            validate_cover(cover)
        return cover

    def clean_tags(self):
        tags = self.cleaned_data["tags"]
        limit = Tag._meta.get_field("name").max_length
        too_long = [name for name in tags if len(name) > limit]
        if too_long:
            raise forms.ValidationError(
                f"A tag can be at most {limit} characters long: “{too_long[0][:40]}…” is longer."
            )
        return tags


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    list_display = ["title", "state", "category", "author", "published_at", "view_count"]
    list_filter = [StatusFilter, "category", "author", "tags"]
    list_select_related = ["category", "author"]
    search_fields = ["title", "excerpt", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category"]
    readonly_fields = ["cover_preview", "view_count", "reading_time", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "excerpt", "body"]}),
        (
            "Publishing",
            {"fields": ["status", "published_at", "author", "category", "tags", "featured"]},
        ),
        ("Search engines and social cards", {"fields": ["seo_title", "meta_description"]}),
        ("Cover image", {"fields": ["cover_image", "cover_image_alt", "cover_preview"]}),
        ("Statistics", {"fields": ["view_count", "reading_time", "created_at", "updated_at"]}),
    ]

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description="status", ordering="status")
    def state(self, post):
        if post.status == Post.Status.DRAFT:
            return "Draft"
        return "Scheduled" if post.is_scheduled else "Published"

    @admin.display(description="preview")
    def cover_preview(self, post):
        if not post.cover_image:
            return "No cover image yet."
        return format_html(
            '<img src="{}" alt="{}" style="max-width: 320px; height: auto;">',
            post.cover_image.url,
            post.cover_image_alt,
        )

    def view_on_site(self, post):
        if post.is_published:
            return post.get_absolute_url()
        return reverse("blog:post_preview", args=[post.pk])

    @admin.action(description="Publish the selected posts now", permissions=["change"])
    def publish(self, request, queryset):
        # Drafts and scheduled posts alike go out at this moment.
        waiting = queryset.exclude(pk__in=queryset.published().values("pk"))
        with transaction.atomic():
            for post in waiting:
                post.status = Post.Status.PUBLISHED
                post.published_at = timezone.now()
                post.save()
        self.message_user(request, f"Published {len(waiting)} post(s).", messages.SUCCESS)

    @admin.action(description="Unpublish the selected posts", permissions=["change"])
    def unpublish(self, request, queryset):
        published = queryset.filter(status=Post.Status.PUBLISHED)
        with transaction.atomic():
            for post in published:
                post.status = Post.Status.DRAFT
                post.save()
        count = len(published)
        self.message_user(request, f"Moved {count} post(s) back to draft.", messages.SUCCESS)


class AuthorProfileInline(admin.StackedInline):
    model = AuthorProfile
    fields = ["bio"]
    can_delete = False
    verbose_name = verbose_name_plural = "author page"


# Django's user admin, with the bio shown on the author's page.
User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [*DjangoUserAdmin.inlines, AuthorProfileInline]


# The blog uses its own tag model; taggit's stays out of the editors' way.
admin.site.unregister(TaggitTag)
admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME
