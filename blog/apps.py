from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from blog.content_version import on_content_change
        from blog.models import Category, Post, Tag, TaggedPost

        for model in (Post, Category, Tag, TaggedPost, get_user_model()):
            post_save.connect(on_content_change, sender=model, dispatch_uid=f"bump-save-{model}")
            post_delete.connect(on_content_change, sender=model, dispatch_uid=f"bump-del-{model}")
        m2m_changed.connect(on_content_change, sender=TaggedPost, dispatch_uid="bump-tags")
