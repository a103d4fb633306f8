"""Pages of future factories: the recognised list with statistics in the source's style and the map."""

from __future__ import annotations

import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from . import selectors
from .models import FactoryLevel, ListLevel

SOURCE_NAMES = {"future_factory": "未来工厂", "smart_factory": "智能工厂", "digital_workshop": "数字化车间"}
LIST_NAMES = {"provincial": "省级", "municipal": "市级"}


class FactoryListView(LoginRequiredMixin, View):
    def get(self, request):
        if request.user.role == "department":
            raise Http404
        stats = selectors.statistics(user=request.user)
        for r in stats:
            r["level_label"], r["list_label"] = FactoryLevel(r["level"]).label, ListLevel(r["list_level"]).label
        totals: dict[tuple, int] = {}
        for r in stats:
            totals[(r["list_level"], r["level"])] = totals.get((r["list_level"], r["level"]), 0) + r["n"]
        sentences = [f"累计认定{LIST_NAMES[lst]}{SOURCE_NAMES[lvl]}{n}家" for (lst, lvl), n in sorted(totals.items())]
        factories = list(selectors.recognised(user=request.user).order_by("-year", "level", "id")[:500])
        points = [{"name": f.enterprise.name, "level": f.level, "year": f.year, "lon": float(f.enterprise.lon),
                   "lat": float(f.enterprise.lat)} for f in factories if f.enterprise.lat is not None]
        config = {"boundaries": reverse("core:district_boundaries"), "points": points,
                  "labels": {k: str(v) for k, v in FactoryLevel.choices}}
        return render(request, "factories/factory_list.html", {
            "stats": stats, "sentences": sentences, "factories": factories,
            "map_json": json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")})
