/* Scenario map: the affected local firms of a chain-break scenario over the city's districts, coloured by their
   time to survive (red: stops soon; green: survives the scenario). Data from the page's JSON block (no inline
   script, CSP) and the district boundaries shared with the projects map. */
(function () {
  "use strict";
  window.IB = window.IB || {};
  window.IB.drawers = window.IB.drawers || {};

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  window.IB.drawers["supply-map"] = function (el) {
    var cfg = window.IB.readJSON(el.dataset.config);
    if (!cfg || typeof echarts === "undefined") return;
    window.IB.chart(el);  // the chart exists (and is sized) while the boundaries load
    var horizon = Math.max(cfg.periods, 1);
    // Points come as compact rows [lon, lat, name, tts, capped, stops on day, lost value].
    var data = cfg.points.map(function (p) {
      var shown = p[4] ? horizon : Math.min(p[3], horizon);
      return [p[0], p[1], shown, p[2], p[3], p[4], p[5], p[6]];
    });
    fetch(cfg.boundaries, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (geo) {
      if (!echarts.getMap("hangzhou")) echarts.registerMap("hangzhou", geo);
      // Drawn through the shared chart rules: the colour scale names its unit (days), figures are rounded.
      window.IB.chart(el, {
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            if (p.seriesType !== "scatter") return escapeHtml(p.name);
            var v = p.value;
            var tts = v[5] ? cfg.labels.capped : window.IB.chartFormat(Number(v[4]));
            return escapeHtml(v[3]) + "<br>" + cfg.labels.tts + ": " + tts +
              (v[6] ? "<br>" + cfg.labels.stops + ": " + v[6] : "") + "<br>" + cfg.labels.lost + ": " +
              window.IB.chartFormat(Number(v[7]));  // units in the labels
          }
        },
        visualMap: { min: 0, max: horizon, dimension: 2, seriesIndex: 0, left: 8, bottom: 8, calculable: true,
                     text: [cfg.labels.legend, ""], unit: cfg.labels.days,
                     inRange: { color: ["#c0392b", "#f39c12", "#f1c40f", "#27ae60"] } },
        geo: { map: "hangzhou", roam: true, zoom: 1.1, label: { show: true, fontSize: 11, color: "#445" },
               itemStyle: { areaColor: "#f4f7fb", borderColor: "#7a8ca5", borderWidth: 1 } },
        series: [{ type: "scatter", coordinateSystem: "geo", data: data, symbolSize: 6,
                   large: data.length > 3000, itemStyle: { opacity: 0.85 } }]
      });
      el.dataset.pointCount = String(data.length);
    }).catch(function (err) { el.textContent = String(err); });
  };
})();
