/* Recognised future factories on the district map: boundaries from core:district_boundaries, points from the
   page's JSON block (level, list, year), drawn by the shared IB.chart (the chart rules). No inline script (CSP). */
(function () {
  "use strict";
  window.IB = window.IB || {};
  window.IB.drawers = window.IB.drawers || {};
  var COLOURS = { future_factory: "#d9480f", smart_factory: "#1c7ed6", digital_workshop: "#2f9e44" };
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  window.IB.drawers["factory-map"] = function (el) {
    if (typeof echarts === "undefined") return;
    var cfg = window.IB.readJSON(el.dataset.config);
    fetch(cfg.boundaries, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
      if (!echarts.getMap("hangzhou-factories")) echarts.registerMap("hangzhou-factories", geo);
      var groups = {};
      cfg.points.forEach(function (p) {
        (groups[p.level] = groups[p.level] || []).push({ name: p.name, value: [p.lon, p.lat, p.year] });
      });
      window.IB.chart(el, {
        tooltip: { trigger: "item", formatter: function (p) {
          return p.seriesType === "scatter" ? escapeHtml(p.name) + " · " + escapeHtml(p.seriesName) + " · " + p.value[2]
            : escapeHtml(p.name);
        } },
        legend: { top: 0 },
        // District names stay readable under the points.
        geo: { map: "hangzhou-factories", roam: true, label: { show: true, fontSize: 11, color: "#445" },
               itemStyle: { areaColor: "#f1f3f5", borderColor: "#adb5bd" } },
        series: Object.keys(groups).map(function (k) {
          return { name: cfg.labels[k] || k, type: "scatter", coordinateSystem: "geo", symbolSize: 8, z: 3,
                   itemStyle: { color: COLOURS[k] }, data: groups[k] };
        })
      });
      el.dataset.pointCount = String(cfg.points.length);
    });
  };
})();
