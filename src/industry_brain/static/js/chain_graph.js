/* The chain map: nodes in three columns (upstream, midstream, downstream), sized by the number of local
   enterprises, with arrows along supply links. Data come from the page's JSON block. */
(function () {
  "use strict";
  window.IB = window.IB || {};
  window.IB.drawers = window.IB.drawers || {};
  var COLORS = { upstream: "#3b7dd8", midstream: "#2e9d5b", downstream: "#e08a00" };
  var COLUMN = { upstream: 0, midstream: 1, downstream: 2 };

  window.IB.drawers["chain-graph"] = function (el) {
    var data = window.IB.readJSON(el.dataset.source);
    if (!data || typeof echarts === "undefined") return;
    var perColumn = { upstream: [], midstream: [], downstream: [] };
    data.nodes.forEach(function (n) { perColumn[n.segment].push(n); });
    var maxCount = Math.max.apply(null, data.nodes.map(function (n) { return n.enterprises; }).concat([1]));
    var maxOutput = Math.max.apply(null, data.nodes.map(function (n) { return n.output; }).concat([1]));
    var nodes = [];
    Object.keys(perColumn).forEach(function (seg) {
      var list = perColumn[seg];
      list.forEach(function (n, i) {
        nodes.push({
          id: String(n.id), name: n.name, x: COLUMN[seg] * 400, y: (i + 0.5) * (600 / Math.max(list.length, 1)),
          // size: half from the number of local enterprises, half from their output
          symbolSize: 22 + 30 * Math.sqrt(n.enterprises / maxCount) + 26 * Math.sqrt((n.output || 0) / maxOutput),
          itemStyle: { color: COLORS[seg], borderColor: n.is_key ? "#d64545" : "#fff", borderWidth: n.is_key ? 3 : 1 },
          value: n.enterprises, output: n.output, segment: data.segments[seg],
          label: { show: true, position: "right",
                   formatter: n.name + "\n" + data.labels.enterprises.replace("{n}", n.enterprises) }
        });
      });
    });
    // Output in 万元, shown in 亿元 from 1亿 up (the platform's chart rule, core.charts).
    var units = el.dataset.units ? JSON.parse(el.dataset.units) : { wan: "", yi: "" };
    function money(v) {
      return Math.abs(v) >= 10000 ? (v / 10000).toFixed(2) + " " + units.yi : Math.round(v).toLocaleString() + " " + units.wan;
    }
    var chart = window.IB.chart(el, {
      tooltip: { formatter: function (p) {
        if (p.dataType === "edge") return "";
        return p.data.segment + " · " + p.data.name + "<br>" + data.labels.enterprises.replace("{n}", p.data.value) +
          "<br>" + data.labels.output + ": " +
          (p.data.output === null ? data.labels.suppressed : money(p.data.output));
      } },
      legend: [{ data: Object.keys(COLORS).map(function (k) { return data.segments[k]; }) }],
      graphic: Object.keys(COLUMN).map(function (seg) {
        return { type: "text", left: (8 + COLUMN[seg] * 36) + "%", top: 8,
                 style: { text: data.segments[seg], fontSize: 14, fontWeight: "bold", fill: COLORS[seg] } };
      }),
      series: [{
        type: "graph", layout: "none", roam: true, data: nodes,
        links: data.links.map(function (l) { return { source: String(l.source), target: String(l.target) }; }),
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 8,
        lineStyle: { color: "#9aa7b8", width: 1.5, curveness: 0.15, opacity: 0.8 },
        emphasis: { focus: "adjacency" }, top: 70, bottom: 50, left: 50, right: 170,
        labelLayout: { hideOverlap: true }, cursor: el.dataset.nodeUrl ? "pointer" : "default"
      }]
    });
    // A node opens its firms (the enterprise list filtered to the node, within the reader's scope).
    if (el.dataset.nodeUrl) chart.on("click", function (p) {
      if (p.dataType === "node") window.location.href = el.dataset.nodeUrl + encodeURIComponent(p.data.id);
    });
    el.dataset.nodeCount = String(nodes.length);
  };
})();
