from django import template

from blog import dashboard

register = template.Library()


@register.inclusion_tag("admin/blog/dashboard.html", takes_context=True)
def editor_dashboard(context):
    return dashboard.figures(context["request"].user)
