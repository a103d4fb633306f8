/* The one map (一张图): Hangzhou's 13 districts shaded by the number or investment of the filtered projects,
   the projects as points coloured by warning level or stage and sized by investment. Data: the district
   boundaries (core:district_boundaries), GET /api/v1/projects/map/ (GeoJSON) and the per-district counts,
   all with the page's filters. A click on a point fills the project card. No inline script (CSP). */
(function () {
  "use strict";
  window.IB = window.IB || {};
  window.IB.drawers = window.IB.drawers || {};

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for " + url);
      return r.json();
    });
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function filterQuery(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (key.charAt(0) !== "_" && value !== "") params.append(key, value);
    });
    return params.toString();
  }

  window.IB.drawers["project-map"] = function (el) {
    var cfg = window.IB.readJSON(el.dataset.config);
    if (!cfg || typeof echarts === "undefined") return;
    var form = document.getElementById("map-filters");
    var countEl = document.getElementById("map-count");
    var cardBody = document.getElementById("map-card-body");
    var chart = echarts.init(el);
    window.IB.charts[el.id] = chart;
    window.addEventListener("resize", function () { chart.resize(); });
    var nameByCode = {};

    function colourBy() { return form.querySelector("[name=_colour]").value; }
    function shadeBy() { return form.querySelector("[name=_shade]").value; }

    function seriesOf(features) {
      var byLevel = colourBy() === "level";
      var groups = byLevel ? cfg.levels : cfg.stages;
      var colors = byLevel ? cfg.levelColors : cfg.stageColors;
      var maxInv = 1;
      features.forEach(function (f) { if (f.properties.total_investment > maxInv) maxInv = f.properties.total_investment; });
      var large = features.length > 5000;
      var buckets = {};
      Object.keys(groups).forEach(function (k) { buckets[k] = []; });
      features.forEach(function (f) {
        var p = f.properties;
        var key = byLevel ? p.warning_level : p.stage;
        if (!buckets[key]) return;
        buckets[key].push([f.geometry.coordinates[0], f.geometry.coordinates[1], p.total_investment, p.id, p.name,
                           p.stage, p.warning_level]);
      });
      // Red points last so that they are drawn on top.
      var order = Object.keys(groups);
      if (byLevel) order = ["green", "yellow", "red"];
      return order.filter(function (k) { return buckets[k] && buckets[k].length; }).map(function (k) {
        return {
          name: groups[k], type: "scatter", coordinateSystem: "geo", data: buckets[k],
          large: large, largeThreshold: 5000, progressive: 0,
          symbolSize: large ? 3 : function (v) { return 3 + 14 * Math.sqrt(v[2] / maxInv); },
          itemStyle: { color: colors[k], opacity: 0.8, borderColor: "#fff", borderWidth: large ? 0 : 0.4 },
          emphasis: { scale: 1.6 }
        };
      });
    }

    function render(features, districts) {
      var shade = shadeBy();
      var values = districts.map(function (d) {
        return { name: nameByCode[d.code] || d.name, value: shade === "count" ? d.count : Math.round(d.investment) };
      });
      var max = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
      var points = seriesOf(features);
      var drawn = points.reduce(function (n, s) { return n + s.data.length; }, 0);
      chart.setOption({
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            if (p.seriesType === "map") {
              return escapeHtml(p.name) + "<br>" + (shade === "count" ? cfg.labels.count : cfg.labels.sum) + ": " +
                (p.value || 0).toLocaleString();
            }
            var v = p.value;
            return escapeHtml(v[4]) + "<br>" + cfg.labels.stage + ": " + escapeHtml(cfg.stages[v[5]]) + "<br>" +
              cfg.labels.level + ": " + escapeHtml(cfg.levels[v[6]]) + "<br>" + cfg.labels.investment + ": " +
              Number(v[2]).toLocaleString();
          }
        },
        legend: { top: 8, left: 8, orient: "vertical", data: points.map(function (s) { return s.name; }) },
        visualMap: { min: 0, max: max, seriesIndex: 0, left: 8, bottom: 8, calculable: true,
                     text: [shade === "count" ? cfg.labels.count : cfg.labels.sum, ""],
                     inRange: { color: ["#f4f7fb", "#c9daf0", "#8fb3e0"] } },
        geo: { map: "hangzhou", roam: true, zoom: 1.1, label: { show: true, fontSize: 11, color: "#445" },
               itemStyle: { areaColor: "transparent", borderColor: "#7a8ca5", borderWidth: 1 },
               emphasis: { label: { show: true }, itemStyle: { areaColor: "rgba(59,125,216,0.15)" } } },
        series: [{ type: "map", geoIndex: 0, data: values }].concat(points)
      }, { notMerge: true });
      el.dataset.pointCount = String(drawn);
      countEl.textContent = drawn.toLocaleString() + " " + cfg.labels.shown;
    }

    function load() {
      var q = filterQuery(form);
      el.dataset.loading = "1";
      return Promise.all([getJSON(cfg.source + (q ? "?" + q : "")), getJSON(cfg.districts + (q ? "?" + q : ""))])
        .then(function (res) {
          render(res[0].features, res[1].districts);
          el.dataset.loading = "";
          el.dataset.query = q;
        })
        .catch(function (err) { countEl.textContent = String(err); el.dataset.loading = ""; });
    }

    chart.on("click", function (p) {
      if (p.seriesType !== "scatter") return;
      var v = p.value;
      var url = cfg.detail.replace("/0/", "/" + v[3] + "/");
      cardBody.innerHTML = "<strong>" + escapeHtml(v[4]) + "</strong><br>" + cfg.labels.stage + ": " +
        escapeHtml(cfg.stages[v[5]]) + "<br>" + cfg.labels.level + ": <span class=\"badge badge-" + escapeHtml(v[6]) +
        "\">" + escapeHtml(cfg.levels[v[6]]) + "</span><br>" + cfg.labels.investment + ": " +
        Number(v[2]).toLocaleString() + "<br><a class=\"btn\" href=\"" + url + "\">" + escapeHtml(cfg.labels.open) + "</a>";
    });

    form.addEventListener("change", function () { load(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); load(); });

    getJSON(cfg.boundaries).then(function (geo) {
      geo.features.forEach(function (f) { nameByCode[f.properties.adcode] = f.properties.name; });
      echarts.registerMap("hangzhou", geo);
      return load();
    }).catch(function (err) { countEl.textContent = String(err); });
  };
})();
