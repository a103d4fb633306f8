/* The economic cockpit: bar charts whose bars open the breakdown page, and the district map shaded by growth
   (each district opens its breakdown). Both options are built on the server through the chart rules (`|chart`) and
   drawn by the shared IB.chart; data come from <script type="application/json"> blocks (no inline scripts). */
(function () {
  "use strict";
  window.IB = window.IB || {};
  window.IB.drawers = window.IB.drawers || {};

  function config(el) { return window.IB.readJSON(el.dataset.config); }

  window.IB.drawers["cockpit-bar"] = function (el) {
    if (typeof echarts === "undefined") return;
    var option = config(el);
    var links = option.links || [];
    delete option.links;
    var chart = window.IB.chart(el, option);
    chart.on("click", function (p) { if (links[p.dataIndex]) window.location.href = links[p.dataIndex]; });
    el.dataset.bars = String(links.length);
  };

  window.IB.drawers["cockpit-map"] = function (el) {
    if (typeof echarts === "undefined") return;
    var option = config(el);
    var boundaries = option.boundaries;
    delete option.boundaries;
    var chart = window.IB.chart(el);
    var byName = {};
    fetch(boundaries, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
      var nameOf = {};
      geo.features.forEach(function (f) { nameOf[f.properties.adcode] = f.properties.name; });
      echarts.registerMap("ib-cockpit", geo);
      var series = option.series[0];
      series.data.forEach(function (v) {
        v.name = nameOf[v.code] || v.name;  // the boundary's own name, so that the area is found
        byName[v.name] = v.url;
      });
      window.IB.chart(el, option);
      el.dataset.shaded = String(series.data.length);
    });
    chart.on("click", function (p) { if (byName[p.name]) window.location.href = byName[p.name]; });
  };
})();
