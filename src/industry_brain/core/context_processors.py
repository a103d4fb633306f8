"""Values every page needs: the menu for the user's role and the synthetic-data notice."""

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from . import registry

# (role, superuser, urlconf, script prefix, number of entries) -> the role's menu as (url name, url, label), built
# once per process: the entries are registered at start-up and their URLs depend only on the URL configuration and
# the script prefix, all part of the key, so an entry can never show a stale address. Labels stay lazy (translated
# when the page is drawn); personal entries (registry.nav_overrides) are asked for each request.
_menus: dict[tuple, tuple[tuple[str, str, object], ...]] = {}


def _role_menu(role: str, superuser: bool) -> tuple[tuple[str, str, object], ...]:
    key = (role, superuser, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), len(registry.navigation))
    menu = _menus.get(key)
    if menu is None:
        entries = []
        for _order, url_name, label, roles in registry.navigation:
            # A menu entry is shown to the roles it names; a superuser sees the city's menu, not every role's
            # (an enterprise's own card is no page for the bureau).
            if roles is None or role in roles or (superuser and "city" in roles):
                try:
                    url = reverse(url_name)
                except NoReverseMatch:
                    url = None  # the personal entry may still have an address
                entries.append((url_name, url, label))
        menu = _menus[key] = tuple(entries)
    return menu


def platform(request):
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    items = []
    if role:
        path = request.path
        for url_name, url, label in _role_menu(role, user.is_superuser):
            override = registry.nav_overrides.get(url_name)
            personal = override(user) if override else None
            if personal:
                url, label = personal
            elif url is None:
                continue
            items.append({"url": url, "label": label, "active": url != "/" and path.startswith(url)})
        # The longest matching entry alone is active (/projects/map/ is not also /projects/).
        longest = max((len(i["url"]) for i in items if i["active"]), default=0)
        for i in items:
            i["active"] = i["active"] and len(i["url"]) == longest
    return {"nav_items": items, "demo_notice": settings.DEMO_DATA_NOTICE}
