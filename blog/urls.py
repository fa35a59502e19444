from django.urls import path

from blog import feeds, views

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post_list"),
    path("posts/<str:slug>/", views.PostDetailView.as_view(), name="post_detail"),
    path("category/<str:slug>/", views.CategoryDetailView.as_view(), name="category_detail"),
    path("tag/<str:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("author/<str:username>/", views.AuthorDetailView.as_view(), name="author_detail"),
    path("archive/", views.archive_index, name="archive"),
    path("archive/<int:year>/<int:month>/", views.ArchiveMonthView.as_view(), name="archive_month"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("preview/<int:pk>/", views.post_preview, name="post_preview"),
    path("preview/shared/<str:token>/", views.shared_preview, name="shared_preview"),
    path("feed/", feeds.LatestPostsFeed(), name="feed_rss"),
    path("feed/atom/", feeds.AtomPostsFeed(), name="feed_atom"),
    path("category/<str:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("tag/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
]
