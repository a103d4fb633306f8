/* Recognised future factories on the district map: boundaries from core:district_boundaries, points from the
   page's JSON block (level, list, year). No inline script (CSP). */
(function () {
  "use strict";
  var COLOURS = { future_factory: "#d9480f", smart_factory: "#1c7ed6", digital_workshop: "#2f9e44" };
  function draw() {
    var el = document.getElementById("factory-map");
    if (!el || typeof echarts === "undefined") return;
    var cfg = JSON.parse(document.getElementById(el.dataset.config).textContent);
    fetch(cfg.boundaries, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("hangzhou-factories", geo);
      var groups = {};
      cfg.points.forEach(function (p) {
        (groups[p.level] = groups[p.level] || []).push({ name: p.name, value: [p.lon, p.lat, p.year] });
      });
      var chart = echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return p.seriesType === "scatter" ? p.name + " · " + p.seriesName + " · " + p.value[2] : p.name; } },
        legend: { top: 0 },
        geo: { map: "hangzhou-factories", roam: true, itemStyle: { areaColor: "#f1f3f5", borderColor: "#adb5bd" } },
        series: Object.keys(groups).map(function (k) {
          return { name: cfg.labels[k] || k, type: "scatter", coordinateSystem: "geo", symbolSize: 8,
                   itemStyle: { color: COLOURS[k] }, data: groups[k] };
        })
      });
      el.dataset.pointCount = String(cfg.points.length);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
