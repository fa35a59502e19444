"""The newsroom's roles: Authors write, Editors publish.

Both are Django groups, kept up to date by `migrate` (a post_migrate receiver, so they
exist on a fresh database too, where a data migration would find no permissions yet).
Permissions only ever get added to a group here, never taken away, so a site can give
its groups more. Who may publish is the one permission `blog.publish_post`; a staff
member without it is an author, who sees and changes only their own drafts.
"""

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from blog.accounts import generate_password

AUTHOR, EDITOR = "Author", "Editor"
VERBS = ("add", "change", "delete", "view")
PUBLISH_PERMISSION = "blog.publish_post"

# Authors may pick a category or tag but not manage them.
ROLE_PERMISSIONS = {
    AUTHOR: ["add_post", "change_post", "delete_post", "view_post", "view_category", "view_tag"],
    EDITOR: [
        *(f"{verb}_{model}" for model in ("post", "category", "tag") for verb in VERBS),
        "publish_post",
    ],
}
ROLES = {"author": AUTHOR, "editor": EDITOR}


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def may_change(user, post) -> bool:
    """Editors change every post; anyone else only their own drafts."""
    if can_publish(user):
        return True
    return post.author_id == user.pk and post.status == post.Status.DRAFT


def create_roles(app_config=None, verbosity=1, using="default", **kwargs) -> None:
    """post_migrate receiver: make sure both groups exist with their permissions."""
    # On a fresh database the blog's permissions are created in this same signal round.
    create_permissions(global_apps.get_app_config("blog"), verbosity=0, using=using)
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        permissions = Permission.objects.using(using).filter(
            content_type__app_label="blog", codename__in=codenames
        )
        group.permissions.add(*permissions)


@transaction.atomic
def create_account(username: str, role: str, email: str = "") -> str:
    """A staff account in the group of `role` ("author" or "editor"); returns its new password."""
    User = get_user_model()
    User._meta.get_field("username").run_validators(username)
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"There is already an account named {username}.")
    password = generate_password()
    user = User.objects.create_user(username=username, email=email, password=password)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=ROLES[role]))
    return password
