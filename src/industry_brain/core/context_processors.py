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
            # A menu entry is shown to the roles it names; a superuser sees the city's menu, not every role's
            # (an enterprise's own card is no page for the bureau).
            if roles is None or role in roles or (user.is_superuser and "city" in roles):
                override = registry.nav_overrides.get(url_name)
                personal = override(user) if override else None
                try:
                    url, label = personal if personal else (reverse(url_name), label)
                except NoReverseMatch:
                    continue
                items.append({"url": url, "label": label, "active": request.path.startswith(url) and url != "/"})
        # The longest matching entry alone is active (/projects/map/ is not also /projects/).
        active = [i for i in items if i["active"]]
        for i in active:
            i["active"] = len(i["url"]) == max(len(a["url"]) for a in active)
    return {"nav_items": items, "demo_notice": settings.DEMO_DATA_NOTICE}
