/* The one map (一张图): Hangzhou's 13 districts shaded by the number or investment of the filtered projects,
   the projects as points coloured by warning level or stage and sized by investment. Data: the district
   boundaries (core:district_boundaries), GET /api/v1/projects/map/ (GeoJSON) and the per-district counts,
   all with the page's filters. A click on a point fills the project card. No inline script (CSP).
   Points are clustered (vendored Supercluster) so that 25,000 projects stay readable and fast: at each zoom,
   nearby projects are one bubble with their number, red when any of them is red; a click on a bubble zooms in,
   and at street level the projects stand alone. */
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
    var chart = window.IB.chart(el);  // the shared helper; the option below is drawn through IB.chartPolish
    var nameByCode = {};

    function colourBy() { return form.querySelector("[name=_colour]").value; }
    function shadeBy() { return form.querySelector("[name=_shade]").value; }

    // Clustering: one index per load of the filtered projects, asked again at each zoom and pan.
    var clusterLabels = el.dataset.clusterLabels ? JSON.parse(el.dataset.clusterLabels) : {};
    var index = null;
    var allFeatures = [];
    function buildIndex(features) {
      var started = window.performance.now();
      allFeatures = features;
      index = (typeof Supercluster === "undefined" || features.length < 200) ? null : new Supercluster({
        radius: 56, maxZoom: 15, minPoints: 3,
        map: function (p) {
          return { red: p.warning_level === "red" ? 1 : 0, yellow: p.warning_level === "yellow" ? 1 : 0 };
        },
        reduce: function (a, b) { a.red += b.red; a.yellow += b.yellow; }
      }).load(features);
      el.dataset.indexMs = String(Math.round(window.performance.now() - started));
    }
    // The geo view as a web-map zoom level and bounding box (what Supercluster is asked with).
    function view() {
      var w = chart.getWidth(), h = chart.getHeight();
      var a = chart.convertFromPixel({ geoIndex: 0 }, [0, 0]), b = chart.convertFromPixel({ geoIndex: 0 }, [w, h]);
      if (!a || !b || !isFinite(a[0]) || !isFinite(b[0])) return null;
      var west = Math.min(a[0], b[0]), east = Math.max(a[0], b[0]);
      var z = Math.log(w / Math.max(east - west, 1e-6) * 360 / 256) / Math.LN2;
      return { bbox: [west - 0.05, Math.min(a[1], b[1]) - 0.05, east + 0.05, Math.max(a[1], b[1]) + 0.05],
               zoom: Math.max(0, Math.min(20, Math.floor(z))) };
    }
    function visible() {
      if (!index) return { points: allFeatures, clusters: [] };
      var v = view();
      if (!v) return { points: allFeatures, clusters: [] };
      var points = [], clusters = [];
      index.getClusters(v.bbox, v.zoom).forEach(function (f) {
        if (f.properties.cluster) clusters.push(f); else points.push(f);
      });
      return { points: points, clusters: clusters };
    }
    function clusterSeries(clusters) {
      var byLevel = colourBy() === "level";
      var maxCount = clusters.reduce(function (m, c) { return Math.max(m, c.properties.point_count); }, 1);
      return {
        id: "clusters", name: clusterLabels.clusters || "", type: "scatter", coordinateSystem: "geo", z: 5,
        animation: false,  // redrawn at every zoom and pan: no fade-in
        data: clusters.map(function (c) {
          var p = c.properties;
          var colour = !byLevel ? "#3b7dd8" : p.red ? cfg.levelColors.red : p.yellow ? cfg.levelColors.yellow
            : cfg.levelColors.green;
          return { value: [c.geometry.coordinates[0], c.geometry.coordinates[1], p.point_count, p.cluster_id,
                           p.red, p.yellow],
                   symbolSize: 22 + 26 * Math.sqrt(p.point_count / maxCount),
                   itemStyle: { color: colour, opacity: 0.85, borderColor: "#fff", borderWidth: 2 } };
        }),
        label: { show: true, formatter: function (q) { return q.value[2].toLocaleString(); }, color: "#fff",
                 fontWeight: "bold", fontSize: 11 },
        emphasis: { scale: 1.15 }
      };
    }

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
          id: "points-" + k, name: groups[k], type: "scatter", coordinateSystem: "geo", data: buckets[k],
          animation: false,
          large: large, largeThreshold: 5000, progressive: 0,
          symbolSize: large ? 3 : function (v) { return 3 + 14 * Math.sqrt(v[2] / maxInv); },
          itemStyle: { color: colors[k], opacity: 0.8, borderColor: "#fff", borderWidth: large ? 0 : 0.4 },
          emphasis: { scale: 1.6 }
        };
      });
    }

    var centres = {};  // district name -> [lon, lat] of its bounding box centre, and its span
    function districtView() {
      var sel = form.querySelector("[name=district]");
      var name = sel && sel.value ? nameByCode[sel.value] : null;
      if (!name || !centres[name]) return { center: null, zoom: 1.1 };
      return { center: centres[name].c, zoom: Math.max(1.1, Math.min(12, 0.55 * cityspan / centres[name].span)) };
    }
    var cityspan = 1;

    function render(features, districts) {
      var shade = shadeBy();
      var values = districts.map(function (d) {
        return { name: nameByCode[d.code] || d.name, value: shade === "count" ? d.count : Math.round(d.investment) };
      });
      var max = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
      buildIndex(features);
      var points = seriesOf(features).map(function (s) { return Object.assign({}, s, { data: [] }); });
      var drawn = features.length;
      chart.setOption(window.IB.chartPolish({
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            if (p.seriesId === "clusters") {
              var c = p.value;
              return (clusterLabels.count || "{n}").replace("{n}", c[2].toLocaleString()) +
                (c[4] || c[5] ? "<br>" + (clusterLabels.levels || "").replace("{red}", c[4]).replace("{yellow}", c[5]) : "");
            }
            if (p.seriesType === "map") {
              return escapeHtml(p.name) + "<br>" + (shade === "count" ? cfg.labels.count : cfg.labels.sum) + ": " +
                (p.value || 0).toLocaleString();
            }
            var v = p.value;
            return escapeHtml(v[4]) + "<br>" + cfg.labels.stage + ": " + escapeHtml(cfg.stages[v[5]]) + "<br>" +
              cfg.labels.level + ": " + escapeHtml(cfg.levels[v[6]]) + "<br>" + cfg.labels.investment + ": " +
              Number(v[2]).toLocaleString() + " " + cfg.labels.yuan;
          }
        },
        legend: { top: 8, left: 8, orient: "vertical", data: points.map(function (s) { return s.name; }) },
        visualMap: { min: 0, max: max, seriesIndex: 0, left: 8, bottom: 8, calculable: true,
                     text: [shade === "count" ? cfg.labels.count : cfg.labels.sum, ""],
                     inRange: { color: ["#f4f7fb", "#c9daf0", "#8fb3e0"] } },
        geo: Object.assign(districtView().center ? { center: districtView().center } : {}, {
               map: "hangzhou", roam: true, zoom: districtView().zoom, label: { show: false },
               itemStyle: { areaColor: "transparent", borderColor: "#7a8ca5", borderWidth: 1 },
               emphasis: { label: { show: true }, itemStyle: { areaColor: "rgba(59,125,216,0.15)" } } }),
        series: [{ type: "map", geoIndex: 0, data: values }].concat(points).concat([clusterSeries([])]).concat([{
          // District names drawn above the points, readable on any shading.
          type: "scatter", coordinateSystem: "geo", silent: true, symbolSize: 0, z: 20, zlevel: 1,
          data: Object.keys(centres).map(function (n) { return { name: n, value: centres[n].c }; }),
          label: { show: true, formatter: "{b}", fontSize: 12, fontWeight: "bold", color: "#1d2433",
                   textBorderColor: "#fff", textBorderWidth: 3 },
          tooltip: { show: false }
        }])
      }, el), { notMerge: true });
      el.dataset.pointCount = String(drawn);
      recluster();
      countEl.textContent = drawn.toLocaleString() + " " + cfg.labels.shown;
      renderList(features);
    }

    // The projects matching the filters, beside the map: red first, then by investment.
    var listEl = document.getElementById("map-list");
    var rank = { red: 0, yellow: 1, green: 2 };
    function renderList(features) {
      if (!listEl) return;
      var rows = features.map(function (f) { return f.properties; }).sort(function (a, b) {
        return (rank[a.warning_level] - rank[b.warning_level]) || (b.total_investment - a.total_investment);
      });
      listEl.innerHTML = rows.slice(0, 30).map(function (p) {
        return "<li><a href=\"#\" data-project=\"" + p.id + "\"><span class=\"dot\" style=\"background:" +
          (cfg.levelColors[p.warning_level] || "#999") + "\"></span>" + escapeHtml(p.name) + "</a></li>";
      }).join("") + (rows.length > 30 ? "<li class=\"muted\"><a href=\"" + cfg.list + "?" + filterQuery(form) + "\">" +
        (rows.length - 30).toLocaleString() + " " + escapeHtml(cfg.labels.more) + "</a></li>" : "");
    }
    if (listEl) listEl.addEventListener("click", function (e) {
      var a = e.target.closest("[data-project]");
      if (!a) return;
      e.preventDefault();
      showCard(a.dataset.project);
    });

    // The card comes from the server (warning reason as a sentence, supervision status), escaped there.
    function showCard(id) {
      fetch(cfg.card.replace("/0/", "/" + id + "/"), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.text(); })
        .then(function (html) { cardBody.innerHTML = html; })
        .catch(function (err) { cardBody.textContent = String(err); });
    }

    // Each change of the filters loads again; an answer that arrives after a later load began is dropped, so a
    // slow earlier answer never draws over the filters now chosen.
    var loads = 0;
    function load() {
      var mine = ++loads;
      var q = filterQuery(form);
      // The filters live in the address: bookmarkable, shareable, kept on Back; derived links follow.
      window.history.replaceState(null, "", window.location.pathname + (q ? "?" + q : ""));
      if (window.IB.syncQueryLinks) window.IB.syncQueryLinks();
      el.dataset.loading = "1";
      return Promise.all([getJSON(cfg.source + (q ? "?" + q : "")), getJSON(cfg.districts + (q ? "?" + q : ""))])
        .then(function (res) {
          if (mine !== loads) return;
          render(res[0].features, res[1].districts);
          el.dataset.loading = "";
          el.dataset.query = q;
        })
        .catch(function (err) {
          if (mine !== loads) return;
          countEl.textContent = String(err);
          el.dataset.loading = "";
        });
    }

    // Drawn at each zoom and pan: the clusters and the lone projects of the visible part of the map.
    function recluster() {
      var started = window.performance.now();
      var seen = visible();
      var groups = seriesOf(seen.points);
      var keys = Object.keys(colourBy() === "level" ? cfg.levels : cfg.stages);
      var byId = {};
      groups.forEach(function (s) { byId[s.id] = s; });
      chart.setOption({ series: keys.map(function (k) {
        return byId["points-" + k] ? { id: "points-" + k, data: byId["points-" + k].data,
                                       symbolSize: byId["points-" + k].symbolSize, large: byId["points-" + k].large }
          : { id: "points-" + k, data: [] };
      }).concat([clusterSeries(seen.clusters)]) });
      el.dataset.clusterCount = String(seen.clusters.length);
      el.dataset.symbolCount = String(seen.clusters.length + seen.points.length);
      el.dataset.clusterMs = String(Math.round(window.performance.now() - started));  // read by the browser test
    }
    var roamTimer = null;
    chart.on("georoam", function () {
      window.clearTimeout(roamTimer);
      roamTimer = window.setTimeout(recluster, 120);
    });

    chart.on("click", function (p) {
      if (p.seriesId === "clusters" && index) {
        // Zoom in until the bubble splits, centred on it.
        var c = p.value, v = view();
        var geo = chart.getOption().geo[0];
        var target = Math.min(index.getClusterExpansionZoom(c[3]), 16);
        var factor = v ? Math.pow(2, Math.max(1, target - v.zoom)) : 2;
        chart.setOption({ geo: { center: [c[0], c[1]], zoom: (geo.zoom || 1) * factor } });
        recluster();
        return;
      }
      if (p.seriesType !== "scatter" || !Array.isArray(p.value) || p.value.length < 4) return;
      showCard(p.value[3]);
    });

    form.addEventListener("change", function () { load(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); load(); });

    getJSON(cfg.boundaries).then(function (geo) {
      var all = [180, 90, -180, -90];
      geo.features.forEach(function (f) {
        nameByCode[f.properties.adcode] = f.properties.name;
        var b = [180, 90, -180, -90];
        (function walk(c) {
          if (!c || !c.length) return;
          if (typeof c[0] === "number") { b = [Math.min(b[0], c[0]), Math.min(b[1], c[1]), Math.max(b[2], c[0]), Math.max(b[3], c[1])]; return; }
          c.forEach(walk);
        })(f.geometry.coordinates);
        centres[f.properties.name] = { c: [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2], span: Math.max(b[2] - b[0], b[3] - b[1]) };
        all = [Math.min(all[0], b[0]), Math.min(all[1], b[1]), Math.max(all[2], b[2]), Math.max(all[3], b[3])];
      });
      cityspan = Math.max(all[2] - all[0], all[3] - all[1]);
      echarts.registerMap("hangzhou", geo);
      return load();
    }).catch(function (err) { countEl.textContent = String(err); });
  };
})();
