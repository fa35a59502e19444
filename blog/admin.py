from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from taggit.models import Tag as TaggitTag

from blog import dashboard, previews, redirects, revisions, roles
from blog.images import validate_cover
from blog.models import AuthorProfile, Category, Post, Tag

LARGEST_ID = BaseDatabaseOperations.integer_field_ranges["BigAutoField"][1]


def is_row_id(value) -> bool:
    """Whether a submitted value can be an id.

    The admin queries some submitted values as they came: "abc" then raises, and SQLite
    cannot even bind an integer past 64 bits.
    """
    value = str(value)
    return value.isdecimal() and int(value) <= LARGEST_ID


class CheckedSelectionMixin:
    """A hand-made action POST selecting something other than row ids is a 400."""

    def response_action(self, request, queryset):
        if not all(map(is_row_id, request.POST.getlist(ACTION_CHECKBOX_NAME))):
            return HttpResponseBadRequest("Select rows from the list.")
        return super().response_action(request, queryset)


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Shows a form sent back with a hand-made value (an error) instead of failing on it."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [choice for choice in value if is_row_id(choice)], attr)


@admin.register(Category)
class CategoryAdmin(CheckedSelectionMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "published_posts"]
    search_fields = ["name"]
    # The post counts group the rows, which drops the model's ordering: the category
    # picker (autocomplete) would list them in no particular order.
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_post_counts()

    @admin.display(description="published posts", ordering="post_count")
    def published_posts(self, category):
        return category.post_count


@admin.register(Tag)
class TagAdmin(CheckedSelectionMixin, admin.ModelAdmin):
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


NOT_AN_EDITOR = (
    "Only editors may publish, schedule or unpublish a post. "
    "Save it as a draft: an editor will publish it."
)
# The change form's buttons that set the state; see templates/admin/blog/post/change_form.html.
STATE_BUTTONS = ("_publish", "_schedule", "_unpublish")


def state_text(post) -> str:
    """Draft, Scheduled for <time>, or Published, with times in the site's time zone."""
    if post.status == Post.Status.DRAFT:
        return "Draft"
    when = timezone.localtime(post.published_at).strftime("%-d %B %Y, %H:%M %Z")
    return f"Scheduled for {when}" if post.is_scheduled else f"Published on {when}"


class PostAdminForm(forms.ModelForm):
    # No Meta: the admin builds the form from the fieldsets below.
    may_publish = False  # set for each request by PostAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        button = next((name for name in STATE_BUTTONS if name in self.data), None)
        # Authors have no status field; a status in their POST was crafted by hand.
        asks_to_publish = button or self.data.get("status", Post.Status.DRAFT) != Post.Status.DRAFT
        if not self.may_publish:
            if asks_to_publish:
                raise forms.ValidationError(NOT_AN_EDITOR)
            return cleaned
        if button == "_publish":
            cleaned["status"], cleaned["published_at"] = Post.Status.PUBLISHED, timezone.now()
        elif button == "_schedule":
            when = cleaned.get("published_at")
            if when is None or when <= timezone.now():
                self.add_error("published_at", "Give a time in the future to schedule the post.")
            else:
                cleaned["status"] = Post.Status.PUBLISHED
        elif button == "_unpublish":
            cleaned["status"] = Post.Status.DRAFT
        return cleaned

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
class PostAdmin(CheckedSelectionMixin, admin.ModelAdmin):
    form = PostAdminForm
    list_display = ["title", "state", "category", "author", "published_at", "view_count"]
    list_filter = [StatusFilter, "category", "author", "tags"]
    list_select_related = ["category", "author"]
    search_fields = ["title", "excerpt", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category"]
    readonly_fields = [
        "publication_state",
        "share_link",
        "cover_preview",
        "views_chart",
        "view_count",
        "reading_time",
        "created_at",
        "updated_at",
    ]
    # Fields only editors set; an author's post is a draft of their own.
    editor_only_fields = ["status", "published_at", "author", "featured"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "excerpt", "body"]}),
        (
            "Publishing",
            {
                "fields": [
                    "publication_state",
                    "status",
                    "published_at",
                    "author",
                    "category",
                    "tags",
                    "featured",
                ]
            },
        ),
        ("Preview", {"fields": ["share_link"]}),
        ("Search engines and social cards", {"fields": ["seo_title", "meta_description"]}),
        ("Cover image", {"fields": ["cover_image", "cover_image_alt", "cover_preview"]}),
        (
            "Statistics",
            {"fields": ["views_chart", "view_count", "reading_time", "created_at", "updated_at"]},
        ),
    ]

    # Who sees and changes what ------------------------------------------------------------

    def get_queryset(self, request):
        posts = super().get_queryset(request)
        return posts if roles.can_publish(request.user) else posts.filter(author=request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or roles.may_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or roles.may_change(request.user, obj))

    def has_publish_permission(self, request):
        return roles.can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if roles.can_publish(request.user):
            return fields
        return [*fields, *self.editor_only_fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.may_publish = roles.can_publish(request.user)
        return form

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "title":
            # The admin's default text box cuts a headline off after a few words.
            kwargs["widget"] = forms.TextInput(attrs={"class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            using = kwargs.get("using")
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=using)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        if not change and "author" not in form.fields:
            obj.author = request.user
        if change:
            revisions.record_outside_changes(obj)
        super().save_model(request, obj, form, change)

    def response_action(self, request, queryset):
        if request.POST.get("action") in self.actions and not roles.can_publish(request.user):
            self.message_user(request, NOT_AN_EDITOR, messages.ERROR)
            return None
        return super().response_action(request, queryset)

    # State ----------------------------------------------------------------------------------

    @admin.display(description="status", ordering="status")
    def state(self, post):
        # The list has a column for the time.
        if post.status == Post.Status.DRAFT:
            return "Draft"
        return "Scheduled" if post.is_scheduled else "Published"

    @admin.display(description="state")
    def publication_state(self, post):
        return state_text(post)

    def response_add(self, request, obj, post_url_continue=None):
        if any(name in request.POST for name in STATE_BUTTONS):
            return self._stay_on_form(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if any(name in request.POST for name in STATE_BUTTONS):
            return self._stay_on_form(request, obj)
        return super().response_change(request, obj)

    def _stay_on_form(self, request, post):
        self.message_user(request, f"“{post}”: {state_text(post)}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:blog_post_change", args=[post.pk]))

    # Previews, history and statistics --------------------------------------------------------

    @admin.display(description="link for reviewers")
    def share_link(self, post):
        if post.pk is None:
            return "Save the post to get a link for reviewers."
        url = previews.share_url(post)
        return format_html(
            '<a href="{}">{}</a><div class="help">Anyone with this link can read the post as it '
            "is now, without an account, for {} days. Any change to the post makes every "
            "earlier link stop working.</div>",
            url,
            url,
            settings.SHARED_PREVIEW_DAYS,
        )

    @admin.display(description=f"views, last {dashboard.DAYS} days")
    def views_chart(self, post):
        return dashboard.post_chart_html(post) if post.pk else "No views yet."

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        revisions.record(obj, request.user)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        revisions.record(obj, request.user)
        return entry

    def history_view(self, request, object_id, extra_context=None):
        post = self.get_object(request, unquote(object_id))
        context = {
            "revisions": revisions.history(post) if post else [],
            "may_restore": post is not None and self.has_change_permission(request, post),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def get_urls(self):
        restore = self.admin_site.admin_view(self.restore_body_view)
        return [
            path(
                "<path:object_id>/history/<int:revision_id>/restore/",
                restore,
                name="blog_post_restore_body",
            ),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def restore_body_view(self, request, object_id, revision_id):
        post = self.get_object(request, unquote(object_id))
        if post is None:
            raise Http404
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        revision = post.revisions.filter(pk=revision_id).first()
        if revision is None:
            raise Http404
        when = timezone.localtime(revision.created_at).strftime("%-d %B %Y, %H:%M")
        with transaction.atomic():
            revisions.record_outside_changes(post)
            post.body = revision.body
            post.save()
            self.log_change(request, post, f"Restored the body saved on {when}.")
        self.message_user(request, f"Restored the body saved on {when}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:blog_post_change", args=[post.pk]))

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

    @admin.action(description="Publish the selected posts now", permissions=["publish"])
    def publish(self, request, queryset):
        # Drafts and scheduled posts alike go out at this moment.
        waiting = queryset.exclude(pk__in=queryset.published().values("pk"))
        with transaction.atomic():
            for post in waiting:
                revisions.record_outside_changes(post)
                post.status = Post.Status.PUBLISHED
                post.published_at = timezone.now()
                post.save()
                self.log_change(request, post, "Published now.")
        self.message_user(request, f"Published {len(waiting)} post(s).", messages.SUCCESS)

    @admin.action(description="Unpublish the selected posts", permissions=["publish"])
    def unpublish(self, request, queryset):
        published = queryset.filter(status=Post.Status.PUBLISHED)
        with transaction.atomic():
            for post in published:
                revisions.record_outside_changes(post)
                post.status = Post.Status.DRAFT
                post.save()
                self.log_change(request, post, "Unpublished.")
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
