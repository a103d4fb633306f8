/* The economic cockpit: bar charts whose bars open the breakdown page, and the district map shaded by growth
   (each district opens its breakdown). Data come from <script type="application/json"> blocks (no inline scripts). */
(function () {
  "use strict";
  window.IB = window.IB || {};
  window.IB.drawers = window.IB.drawers || {};

  function config(el) { return window.IB.readJSON(el.dataset.config); }

  function resizeWith(chart) { window.addEventListener("resize", function () { chart.resize(); }); }

  window.IB.drawers["cockpit-bar"] = function (el) {
    if (typeof echarts === "undefined") return;
    var option = config(el);
    var links = option.links || [];
    delete option.links;
    var chart = echarts.init(el);
    chart.setOption(option);
    chart.on("click", function (p) { if (links[p.dataIndex]) window.location.href = links[p.dataIndex]; });
    resizeWith(chart);
    el.dataset.bars = String(links.length);
  };

  window.IB.drawers["cockpit-map"] = function (el) {
    if (typeof echarts === "undefined") return;
    var cfg = config(el);
    var chart = echarts.init(el);
    var byName = {};
    fetch(cfg.boundaries, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
      var nameOf = {};
      geo.features.forEach(function (f) { nameOf[f.properties.adcode] = f.properties.name; });
      echarts.registerMap("ib-cockpit", geo);
      var values = cfg.values.map(function (v) {
        var name = nameOf[v.code] || v.name;
        byName[name] = v.url;
        return { name: name, value: v.value === null ? null : Math.round(v.value * 10) / 10 };
      });
      var nums = values.map(function (v) { return v.value; }).filter(function (v) { return v !== null; });
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + (p.value === undefined || isNaN(p.value) ? "—" : p.value + "%"); } },
        visualMap: { min: Math.min.apply(null, nums.concat([0])), max: Math.max.apply(null, nums.concat([1])),
                     left: 8, bottom: 8, text: [cfg.label, ""], calculable: true,
                     inRange: { color: ["#c43a31", "#f3e3c3", "#2f6fb3"] } },
        series: [{ type: "map", map: "ib-cockpit", roam: false, label: { show: true, fontSize: 11 }, data: values }]
      });
      el.dataset.shaded = String(values.length);
    });
    chart.on("click", function (p) { if (byName[p.name]) window.location.href = byName[p.name]; });
    resizeWith(chart);
  };
})();
