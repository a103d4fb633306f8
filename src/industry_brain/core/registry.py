"""Where apps plug into shared pages without core importing them.

- `home_panels`: callables `(request) -> dict | None` giving a panel of the home page (the role's inbox).
- `navigation`: (order, url name, label, roles or None for all) entries of the main menu.
- `detail_panels[model label]`: callables `(request, obj) -> dict | None` adding panels to a detail page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

home_panels: list[Callable] = []
navigation: list[tuple[int, str, object, tuple[str, ...] | None]] = []
detail_panels: dict[str, list[Callable]] = defaultdict(list)
# url name -> callable(user) -> (url, label) or None: a menu entry that points somewhere personal for some users
# (an enterprise user's "enterprises" entry opens their own firm).
nav_overrides: dict[str, Callable] = {}


def register_nav(order: int, url_name: str, label, roles: tuple[str, ...] | None = None) -> None:
    if not any(n[1] == url_name for n in navigation):
        navigation.append((order, url_name, label, roles))
        navigation.sort(key=lambda n: n[0])
