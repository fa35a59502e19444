from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.flatpages.models import FlatPage
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from blog import content_version, database, images, redirects, roles
        from blog.content_version import on_content_change
        from blog.models import AuthorProfile, Category, OldAddress, Post, Tag, TaggedPost
        from blog.pages import sync_site

        public = (
            Post,
            Category,
            Tag,
            TaggedPost,
            AuthorProfile,
            FlatPage,
            get_user_model(),
            OldAddress,
        )
        for model in public:
            post_save.connect(on_content_change, sender=model, dispatch_uid=f"bump-save-{model}")
            post_delete.connect(on_content_change, sender=model, dispatch_uid=f"bump-del-{model}")
        m2m_changed.connect(on_content_change, sender=TaggedPost, dispatch_uid="bump-tags")
        post_delete.connect(images.post_deleted, sender=Post, dispatch_uid="delete-cover-files")
        m2m_changed.connect(
            on_content_change, sender=FlatPage.sites.through, dispatch_uid="bump-page-sites"
        )
        post_migrate.connect(sync_site, sender=self, dispatch_uid="sync-site")
        post_migrate.connect(roles.create_roles, sender=self, dispatch_uid="create-roles")
        post_migrate.connect(database.analyze_after_migrate, sender=self, dispatch_uid="analyze")
        # A deploy migrates: pages, fragments and the objects kept per content version were
        # made by the code before it (a model it changed may no longer unpickle).
        post_migrate.connect(content_version.on_migrate, sender=self, dispatch_uid="bump-migrate")
        redirects.connect()
        self.connect_search_index(Category, Post, Tag, TaggedPost)

    @staticmethod
    def connect_search_index(Category, Post, Tag, TaggedPost):
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

        from blog.search import sync

        post_save.connect(sync.post_saved, sender=Post, dispatch_uid="index-post")
        post_delete.connect(sync.post_deleted, sender=Post, dispatch_uid="unindex-post")
        m2m_changed.connect(sync.tags_changed, sender=TaggedPost, dispatch_uid="index-tags")
        post_delete.connect(sync.tagging_deleted, sender=TaggedPost, dispatch_uid="index-untag")
        post_save.connect(sync.taxonomy_saved, sender=Category, dispatch_uid="index-category")
        post_save.connect(sync.taxonomy_saved, sender=Tag, dispatch_uid="index-tag")
        pre_delete.connect(sync.category_deleting, sender=Category, dispatch_uid="index-cat-del")
        post_delete.connect(sync.category_deleted, sender=Category, dispatch_uid="index-cat-gone")
