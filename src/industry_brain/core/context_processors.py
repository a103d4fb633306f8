"""Values every page needs: the menu for the user's role and the synthetic-data notice."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from . import registry


def platform(request):
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    items = []
    if role:
        for _order, url_name, label, roles in registry.navigation:
            if roles is None or role in roles or user.is_superuser:
                try:
                    url = reverse(url_name)
                except NoReverseMatch:
                    continue
                items.append({"url": url, "label": label, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items, "demo_notice": settings.DEMO_DATA_NOTICE}
