"""`{% path_to %}`: the `{% url %}` of the site's own pages, computed once per process.

Django's `{% url %}` calls `reverse()` on every render, about 20 µs each; the header and
<head> of every page link to the same eight addresses, and the search and error pages to a few
more: 0.15–0.2 ms of every uncached page (docs/performance.md, "Lean rendering"). `path_to` takes a view name and positional
arguments, like `{% url %}`, and asks `carter_site.reversing.cached_reverse`, which keys
each address by the URL configuration and script prefix as well. Unlike `{% url %}`, it
knows no `current_app`: it is for the public site's names, not the admin's.

    {% load links %}<a href="{% path_to 'articles:list' %}">Articles</a>
"""

from django import template

from carter_site.reversing import cached_reverse

register = template.Library()


@register.simple_tag
def path_to(viewname, *args):
    return cached_reverse(viewname, *args)
