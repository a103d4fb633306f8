/* Industry Brain page behaviour. No inline scripts (the Content-Security-Policy forbids them):
   data come from <script type="application/json"> blocks and data-* attributes. */
(function () {
  "use strict";

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  window.IB = window.IB || {};
  window.IB.readJSON = readJSON;
  window.IB.charts = window.IB.charts || {};

  // Shared chart conventions, applied to every option built by a page: category labels never silently dropped
  // (all shown, rotated when crowded, overlaps hidden only as a last resort), the value axis unit repeated in the
  // tooltip, numbers grouped, rates with one decimal.
  function fmt(v, unit) {
    if (v === null || v === undefined || (typeof v === "number" && isNaN(v))) return "—";
    if (typeof v !== "number") return v;
    var rate = unit === "%" || unit === "％";
    var text = rate ? v.toFixed(1) : (Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 10) / 10).toLocaleString();
    return unit ? text + (rate ? "%" : " " + unit) : text;
  }
  function polish(option, el) {
    var axes = [].concat(option.xAxis || []);
    var narrow = el.clientWidth < 560;
    axes.forEach(function (ax) {
      if (ax.type !== "category" || !ax.data) return;
      ax.axisLabel = ax.axisLabel || {};
      if (ax.axisLabel.interval === undefined) ax.axisLabel.interval = 0;
      if (ax.axisLabel.hideOverlap === undefined) ax.axisLabel.hideOverlap = true;
      var longest = ax.data.reduce(function (n, d) { return Math.max(n, String(d.value || d).length); }, 0);
      if (ax.axisLabel.rotate === undefined && ax.data.length * longest * 13 > el.clientWidth * 0.8) {
        ax.axisLabel.rotate = narrow ? 45 : 30;
        option.grid = option.grid || {};
        option.grid.bottom = Math.max(option.grid.bottom || 0, 70);
      }
    });
    // On a phone the legend stays on one line (scrolling) so that it never covers the axis titles.
    if (narrow && option.legend && !Array.isArray(option.legend)) {
      option.legend.type = "scroll";
      option.grid = option.grid || {};
      option.grid.top = Math.max(option.grid.top || 0, 60);
    }
    var values = [].concat(option.yAxis || []).filter(function (ax) { return ax.type === "value"; });
    if (option.tooltip && !option.tooltip.valueFormatter && !option.tooltip.formatter && values.length === 1) {
      var unit = values[0].name || "";
      option.tooltip.valueFormatter = function (v) { return fmt(v, unit); };
    }
    // Series carry their unit (core.charts): with two value axes each series' tooltip names its own.
    [].concat(option.series || []).forEach(function (s) {
      if (s.type === "pie") {  // no unlabelled slice: name and share (one decimal), as core.charts does
        s.label = s.label || {};
        if (!s.label.formatter) s.label.formatter = "{b}\n{d}%";
        if (s.percentPrecision === undefined) s.percentPrecision = 1;
        return;
      }
      if (!s.unit) return;
      s.tooltip = s.tooltip || {};
      if (!s.tooltip.valueFormatter) s.tooltip.valueFormatter = function (v) { return fmt(v, s.unit); };
    });
    // A colour scale (maps) states its unit at both ends and on its handles, rates with one decimal.
    [].concat(option.visualMap || []).forEach(function (vm) {
      if (!vm.unit || vm.formatter) return;
      vm.formatter = function (a, b) {
        return b === undefined ? fmt(a, vm.unit) : fmt(a, vm.unit) + " – " + fmt(b, vm.unit);
      };
      if (vm.precision === undefined) vm.precision = 1;
    });
    return option;
  }
  window.IB.chartFormat = fmt;
  window.IB.chartPolish = polish;

  // The one way a page gets a chart: `IB.chart(element, option)` creates (or finds) the element's chart, draws the
  // option through the chart rules above and keeps it sized with the window. Page drawers (maps, graphs) call it
  // instead of echarts.init; later partial updates (setOption of new data) need no polishing again.
  function chartOf(el, option) {
    var chart = echarts.getInstanceByDom(el);
    if (!chart) {
      chart = echarts.init(el);
      window.addEventListener("resize", function () { chart.resize(); });
    }
    window.IB.charts[el.id || el.dataset.chart || el.dataset.drawer] = chart;
    if (option) chart.setOption(polish(option, el));
    return chart;
  }
  window.IB.chart = chartOf;

  // Charts: <div class="chart" data-chart="json-id"> whose JSON is a complete ECharts option.
  function drawCharts(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var option = readJSON(el.dataset.chart);
      if (!option) return;
      chartOf(el, option);
      el.dataset.drawn = "1";
    });
    // Page-specific drawers registered by other scripts: IB.drawers[name](element)
    root.querySelectorAll("[data-drawer]").forEach(function (el) {
      var fn = window.IB.drawers && window.IB.drawers[el.dataset.drawer];
      if (fn && !el.dataset.drawn) { fn(el); el.dataset.drawn = "1"; }
    });
  }
  window.IB.drawCharts = drawCharts;

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (e) { if (!window.confirm(el.dataset.confirm)) e.preventDefault(); });
    });
    drawCharts(document);
    // On a phone the filters start folded unless some are chosen.
    var box = document.getElementById("filter-box");
    if (box && window.innerWidth < 768 && !box.querySelector(".badge")) box.open = false;
  });
  document.addEventListener("htmx:afterSwap", function (e) { drawCharts(e.target); });

  // Links derived from a filtered list (export, map, statistics) follow the filters on screen: they are
  // marked `data-keep-query` and take the address's query (without page and sort) whenever it changes.
  function syncQueryLinks() {
    var params = new URLSearchParams(window.location.search);
    ["page", "sort", "per_page"].forEach(function (k) { params.delete(k); });
    Array.from(params.keys()).forEach(function (k) {
      if (params.getAll(k).every(function (v) { return v === ""; })) params.delete(k);
    });
    var query = params.toString();
    document.querySelectorAll("a[data-keep-query]").forEach(function (a) {
      var base = a.getAttribute("href").split("?")[0];
      a.setAttribute("href", query ? base + "?" + query : base);
    });
  }
  window.IB.syncQueryLinks = syncQueryLinks;
  ["htmx:pushedIntoHistory", "htmx:replacedInHistory", "htmx:historyRestore"].forEach(function (name) {
    document.addEventListener(name, syncQueryLinks);
  });
  window.addEventListener("popstate", function () { window.setTimeout(syncQueryLinks, 0); });

  // Pickers (core.autocomplete.Autocomplete): a search box over a large table, answered by the server within the
  // user's scope. The hidden input holds the chosen value; ↓/↑ move, Enter chooses, Esc closes. Events are
  // delegated, so pickers inside HTMX swaps work without being set up again.
  function acParts(box) {
    // One state object per picker, kept on its element (the matches shown and the highlighted one).
    if (!box._ac) {
      box._ac = { box: box, hidden: box.querySelector("[data-ac-value]"), input: box.querySelector(".ac-input"),
                  list: box.querySelector(".ac-list"), clear: box.querySelector(".ac-clear"),
                  suggest: box.querySelector(".ac-suggest"), items: [], active: -1 };
    }
    return box._ac;
  }
  function acPrefix(name) { var i = name.lastIndexOf("-"); return i < 0 ? "" : name.slice(0, i + 1); }
  function acBaseName(name) { return name.slice(acPrefix(name).length); }
  function acParams(p) {
    var params = new URLSearchParams();
    var form = p.box.closest("form");
    var dep = p.box.dataset.acDepends;
    if (dep) {
      var other = form && form.querySelector("[name='" + acPrefix(p.hidden.name) + dep + "']");
      if (!other || !other.value) return null;  // nothing to narrow to yet
      params.set(dep, other.value);
    }
    (p.box.dataset.acContext || "").split(" ").filter(Boolean).forEach(function (k) {
      var v = form && form.getAttribute("data-ac-" + k);
      if (v) params.set(k, v);
    });
    return params;
  }
  function acFetch(p, params) {
    return fetch(p.box.dataset.ac + "?" + params.toString(), { credentials: "same-origin",
      headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }
  function acEscape(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function acClose(p) {
    p.list.hidden = true;
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }
  // A picker that also keeps a typed name (data-ac-free: the form's field for it, e.g. an unregistered investor).
  function acFreeInput(p) {
    var free = p.box.dataset.acFree;
    var form = p.box.closest("form");
    return free && form ? form.querySelector("[name='" + acPrefix(p.hidden.name) + free + "']") : null;
  }
  function acFreeLabel(p, name) { return (p.box.dataset.acFreeLabel || "{name}").replace("{name}", name); }
  function acShow(p, data, message, query) {
    var items = data ? data.results.slice() : [];
    var typed = (query || "").trim();
    var offerFree = p.box.dataset.acFree && typed && !items.some(function (it) { return it.label === typed; });
    p.items = items;
    p.active = -1;
    var html = items.map(function (it, i) {
      return "<li role=\"option\" id=\"" + p.list.id + "-" + i + "\" data-index=\"" + i + "\" aria-selected=\"false\"" +
        (it.suggested ? " class=\"ac-suggested\"" : "") + "><span>" + acEscape(it.label) + "</span>" +
        (it.detail ? "<small>" + acEscape(it.detail) + "</small>" : "") + "</li>";
    }).join("");
    if (!items.length) html = "<li class=\"ac-empty\">" + acEscape(message || p.box.dataset.acNone) + "</li>";
    else if (data.more) html += "<li class=\"ac-empty\">" + acEscape(p.box.dataset.acMore) + "</li>";
    if (offerFree) {  // keep the typed name, said plainly to be outside the register
      items.push({ free: true, name: typed, label: acFreeLabel(p, typed) });
      html += "<li role=\"option\" id=\"" + p.list.id + "-free\" data-index=\"" + (items.length - 1) +
        "\" aria-selected=\"false\" class=\"ac-free\"><span>" + acEscape(items[items.length - 1].label) + "</span></li>";
    }
    p.list.innerHTML = html;
    p.list.dataset.query = query === undefined ? "" : query;  // which search these matches answer
    p.list.hidden = false;
    p.input.setAttribute("aria-expanded", "true");
  }
  function acSearch(p) {
    var params = acParams(p);
    if (params === null) { acShow(p, null, p.box.dataset.acHint); return; }
    params.set("q", p.input.value.trim());
    var asked = p.input.value;
    acFetch(p, params).then(function (data) {
      if (p.input.value === asked && document.activeElement === p.input) acShow(p, data, null, asked.trim());
    }).catch(function () { acClose(p); });
  }
  function acChoose(p, it) {
    if (!it.free) { acSet(p, String(it.value), it.label); return; }
    acSet(p, "", it.label);
    var free = acFreeInput(p);
    if (free) free.value = it.name;
    p.box.classList.add("ac-chosen", "ac-free-chosen");
    if (p.clear) p.clear.hidden = false;
  }
  function acSet(p, value, label, quiet) {
    var free = acFreeInput(p);
    if (free && !quiet) free.value = "";  // a registered row (or nothing) replaces a kept name
    p.box.classList.remove("ac-free-chosen");
    var changed = p.hidden.value !== String(value);
    p.hidden.value = value;
    p.input.value = label;
    p.box.classList.toggle("ac-chosen", value !== "");
    if (p.clear) p.clear.hidden = value === "";
    acClose(p);
    if (changed && !quiet) {
      p.hidden.dispatchEvent(new Event("change", { bubbles: true }));
      // Pickers narrowed by this one (a handler by its department) start again.
      var form = p.box.closest("form");
      var base = acBaseName(p.hidden.name);
      if (form) form.querySelectorAll(".ac[data-ac-depends='" + base + "']").forEach(function (other) {
        var o = acParts(other);
        if (o.hidden.value || o.input.value) acSet(o, "", "");
      });
    }
  }
  function acMove(p, step) {
    if (!p.items || !p.items.length) return;
    var options = p.list.querySelectorAll("[role=option]");
    if (p.active >= 0) options[p.active].setAttribute("aria-selected", "false");
    p.active = (p.active + step + options.length) % options.length;
    options[p.active].setAttribute("aria-selected", "true");
    options[p.active].scrollIntoView({ block: "nearest" });
    p.input.setAttribute("aria-activedescendant", options[p.active].id);
  }
  function acInit(root) {
    root.querySelectorAll(".ac").forEach(function (box) {
      if (box.dataset.acReady) return;
      box.dataset.acReady = "1";
      var p = acParts(box);
      var free = acFreeInput(p);
      if (!p.hidden.value && free && free.value) {  // a kept name (an unregistered investor) shows as such
        p.input.value = acFreeLabel(p, free.value);
        p.box.classList.add("ac-chosen", "ac-free-chosen");
        if (p.clear) p.clear.hidden = false;
      }
      if (p.hidden.value) {
        // The chosen item's name, asked of the same scoped endpoint (never rendered from an unrestricted query).
        var params = acParams(p) || new URLSearchParams();
        params.set("id", p.hidden.value);
        acFetch(p, params).then(function (data) {
          if (data.results.length && !p.input.value) acSet(p, p.hidden.value, data.results[0].label, true);
        }).catch(function () {});
      }
      if (box.dataset.acContext && p.suggest) {
        // Suggestions (a department from the demand's category) as one-click choices under the box.
        var sp = acParams(p);
        if (sp) acFetch(p, sp).then(function (data) {
          var picks = data.results.filter(function (it) { return it.suggested; }).slice(0, 3);
          if (!picks.length) return;
          p.suggest.innerHTML = acEscape(box.dataset.acSuggestLabel || "") + picks.map(function (it) {
            return "<button type=\"button\" class=\"ac-pick\" data-value=\"" + acEscape(it.value) + "\" data-label=\"" +
              acEscape(it.label) + "\" title=\"" + acEscape(it.detail || "") + "\">" + acEscape(it.label) + "</button>";
          }).join("");
          p.suggest.hidden = false;
        }).catch(function () {});
      }
    });
  }
  window.IB.pickers = acInit;
  var acTimer = null;
  document.addEventListener("input", function (e) {
    if (!e.target.classList || !e.target.classList.contains("ac-input")) return;
    var p = acParts(e.target.closest(".ac"));
    var free = acFreeInput(p);
    if (free && free.value) { free.value = ""; p.box.classList.remove("ac-chosen", "ac-free-chosen"); }
    if (p.hidden.value) {  // typing again forgets the earlier choice
      p.hidden.value = "";
      p.box.classList.remove("ac-chosen");
      if (p.clear) p.clear.hidden = true;
      p.hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
    window.clearTimeout(acTimer);
    acTimer = window.setTimeout(function () { acSearch(p); }, 200);
  });
  document.addEventListener("focusin", function (e) {
    if (e.target.classList && e.target.classList.contains("ac-input") && !e.target.value) {
      acSearch(acParts(e.target.closest(".ac")));
    }
  });
  document.addEventListener("focusout", function (e) {
    if (!e.target.classList || !e.target.classList.contains("ac-input")) return;
    var p = acParts(e.target.closest(".ac"));
    window.setTimeout(function () { if (!p.box.contains(document.activeElement)) acClose(p); }, 150);
  });
  document.addEventListener("keydown", function (e) {
    if (!e.target.classList || !e.target.classList.contains("ac-input")) return;
    var p = acParts(e.target.closest(".ac"));
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (p.list.hidden) { acSearch(p); return; }
      acMove(p, e.key === "ArrowDown" ? 1 : -1);
    } else if (e.key === "Enter") {
      if (!p.list.hidden && p.items && p.items.length) {
        e.preventDefault();  // choosing, not submitting the form
        var it = p.items[p.active >= 0 ? p.active : 0];
        if (p.active >= 0 || p.items.length === 1) acChoose(p, it);
      }
    } else if (e.key === "Escape") {
      acClose(p);
    }
  });
  document.addEventListener("mousedown", function (e) {
    var li = e.target.closest(".ac-list [role=option]");
    if (!li) return;
    e.preventDefault();
    var p = acParts(li.closest(".ac"));
    acChoose(p, p.items[Number(li.dataset.index)]);
  });
  document.addEventListener("click", function (e) {
    var pick = e.target.closest(".ac-pick, .ac-clear");
    if (!pick) return;
    var p = acParts(pick.closest(".ac"));
    if (pick.classList.contains("ac-clear")) { acSet(p, "", ""); p.input.focus(); return; }
    acSet(p, pick.dataset.value, pick.dataset.label);
  });
  // The visible box has no name: its own change events are not the form's (the hidden input reports a choice).
  document.addEventListener("change", function (e) {
    if (e.target.classList && e.target.classList.contains("ac-input")) e.stopPropagation();
  }, true);
  document.addEventListener("DOMContentLoaded", function () { acInit(document); });
  document.addEventListener("htmx:afterSwap", function (e) { acInit(e.target); });

  // Multi-select filters (checkbox dropdowns, empty = 全部): the summary counts the ticked boxes as they change
  // (the form itself is not swapped), the open list floats above the scrolling filter panel instead of being
  // clipped by it, and one click outside (or opening another) closes it.
  function multiPlace(d) {
    var list = d.querySelector(".multi-options");
    if (!list || !d.open) return;
    var r = d.querySelector("summary").getBoundingClientRect();
    list.style.position = "fixed";
    list.style.left = Math.max(4, Math.min(r.left, window.innerWidth - list.offsetWidth - 4)) + "px";
    list.style.top = r.bottom + 2 + "px";
    list.style.maxHeight = Math.max(120, Math.min(280, window.innerHeight - r.bottom - 12)) + "px";
  }
  document.addEventListener("toggle", function (e) {
    var d = e.target;
    if (!d.classList || !d.classList.contains("multi") || !d.open) return;
    document.querySelectorAll("details.multi[open]").forEach(function (o) { if (o !== d) o.open = false; });
    multiPlace(d);
  }, true);
  ["scroll", "resize"].forEach(function (name) {
    window.addEventListener(name, function (e) {
      if (e.target && e.target.closest && e.target.closest(".multi-options")) return;
      document.querySelectorAll("details.multi[open]").forEach(multiPlace);
    }, true);
  });
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.multi[open]").forEach(function (d) { if (!d.contains(e.target)) d.open = false; });
  });
  document.addEventListener("change", function (e) {
    var d = e.target.closest && e.target.closest("details.multi");
    if (!d) return;
    var summary = d.querySelector("summary");
    var n = d.querySelectorAll("input[type=checkbox]:checked").length;
    summary.textContent = n ? n + " " + (summary.dataset.chosen || "") : (summary.dataset.all || "");
  });

  // The menu button of narrow screens, and foldable filter panels.
  document.addEventListener("click", function (e) {
    var toggle = e.target.closest("[data-toggle]");
    if (!toggle) return;
    var target = document.getElementById(toggle.dataset.toggle);
    if (!target) return;
    var open = target.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
