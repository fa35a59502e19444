"""Site search. A plain word match for now: every word must appear somewhere in the post."""

from django.db.models import Q, QuerySet

from blog.models import Post

MAX_QUERY_LENGTH = 200


def clean_query(text: str) -> str:
    return " ".join(text.replace("\x00", "").split())[:MAX_QUERY_LENGTH]


def search_posts(query: str) -> QuerySet[Post]:
    posts = Post.objects.published()
    words = clean_query(query).split()
    if not words:
        return posts.none()
    for word in words:
        posts = posts.filter(
            Q(title__icontains=word)
            | Q(excerpt__icontains=word)
            | Q(body__icontains=word)
            | Q(category__name__icontains=word)
            | Q(pk__in=Post.objects.filter(tags__name__icontains=word).values("pk"))
        )
    return posts
