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
    var values = [].concat(option.yAxis || []).filter(function (ax) { return ax.type === "value"; });
    if (option.tooltip && !option.tooltip.valueFormatter && !option.tooltip.formatter && values.length === 1) {
      var unit = values[0].name || "";
      option.tooltip.valueFormatter = function (v) { return fmt(v, unit); };
    }
    return option;
  }
  window.IB.chartFormat = fmt;

  // Charts: <div class="chart" data-chart="json-id"> whose JSON is a complete ECharts option.
  function drawCharts(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var option = readJSON(el.dataset.chart);
      if (!option) return;
      var chart = echarts.init(el);
      chart.setOption(polish(option, el));
      el.dataset.drawn = "1";
      window.IB.charts[el.id || el.dataset.chart] = chart;
      window.addEventListener("resize", function () { chart.resize(); });
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
