// The campaign dashboards' charts, drawn with the vendored ECharts from the JSON island beside each chart
// (<div class="chart" data-chart="data-x" role="img" aria-label=...> + <script type="application/json" id="data-x">).
// The table beside the chart holds the same numbers and is what a screen reader reads; without JavaScript the
// chart box stays hidden and the table is the whole story.
(function () {
  "use strict";
  var INK = "#1f2933", MUTED = "#52606d", LINE = "#d9dee3";
  var COLOURS = ["#1d4f91", "#b3261e", "#1e6b3a", "#8a5a00", "#6b4c9a", "#2a7f8f", "#7a7a7a"];
  var PHASES = ["rgba(29, 79, 145, 0.07)", "rgba(179, 38, 30, 0.07)", "rgba(30, 107, 58, 0.08)", "rgba(138, 90, 0, 0.08)"];

  function number(value) {
    return value === null || value === undefined ? "—" : value.toLocaleString();
  }

  function base(spec) {
    return {
      animation: false,
      color: COLOURS,
      textStyle: { color: INK, fontFamily: "inherit" },
      tooltip: { trigger: spec.kind === "pie" ? "item" : "axis", confine: true,
                 valueFormatter: function (v) { return number(v) + " " + spec.unit; } }
    };
  }

  function columns(spec) {
    var option = base(spec);
    option.grid = { left: 8, right: 16, top: 60, bottom: 8, containLabel: true };
    option.xAxis = { type: "category", data: spec.categories, axisLabel: { color: MUTED, hideOverlap: true },
                     axisLine: { lineStyle: { color: LINE } } };
    option.yAxis = { type: "value", name: spec.unit, nameGap: 34, nameTextStyle: { color: MUTED }, axisLabel: { color: MUTED },
                     minInterval: spec.integer ? 1 : 0, splitLine: { lineStyle: { color: LINE } } };
    option.series = spec.series.map(function (s) { return { type: "bar", name: s.name, data: s.data, barMaxWidth: 36 }; });
    if (spec.areas && spec.areas.length && option.series.length) {
      option.series[0].markArea = {
        silent: true,
        label: { color: MUTED, position: "top", fontSize: 11 },
        data: spec.areas.map(function (area, index) {
          return [{ name: area.name, xAxis: area.from, itemStyle: { color: PHASES[index % PHASES.length] } }, { xAxis: area.to }];
        })
      };
    }
    return option;
  }

  function bars(spec) {
    var option = base(spec);
    option.grid = { left: 8, right: 40, top: 24, bottom: 8, containLabel: true };
    option.yAxis = { type: "category", data: spec.categories, inverse: true,
                     axisLabel: { color: INK, width: 110, overflow: "truncate" }, axisLine: { lineStyle: { color: LINE } } };
    option.xAxis = { type: "value", name: spec.unit, nameTextStyle: { color: MUTED }, axisLabel: { color: MUTED },
                     minInterval: spec.integer ? 1 : 0, splitLine: { lineStyle: { color: LINE } } };
    option.series = spec.series.map(function (s) {
      var reached = spec.goal ? function (p) { return p.value >= spec.goal ? "#1e6b3a" : COLOURS[0]; } : COLOURS[0];
      return { type: "bar", name: s.name, data: s.data, barMaxWidth: 22, itemStyle: { color: reached },
               label: { show: true, position: "right", color: MUTED, formatter: function (p) { return number(p.value); } } };
    });
    if (spec.goal && option.series.length) {
      option.series[0].markLine = { silent: true, symbol: "none", lineStyle: { color: "#b3261e", type: "dashed" },
                                    label: { position: "start", formatter: spec.goal + spec.unit, color: "#b3261e" },  // the axis is inverted: "start" is the top
                                    data: [{ xAxis: spec.goal }] };
    }
    return option;
  }

  function pie(spec) {
    var option = base(spec);
    var s = spec.series[0];
    option.legend = { bottom: 0, textStyle: { color: INK } };
    option.series = [{
      type: "pie", name: s.name, radius: ["35%", "62%"], center: ["50%", "44%"], avoidLabelOverlap: true,
      label: { formatter: "{b}\n{d}%", color: INK },
      data: spec.categories.map(function (name, i) { return { name: name, value: s.data[i] }; })
        .filter(function (slice) { return slice.value; })  // a slice of nothing: in the table, not in the ring
    }];
    return option;
  }

  function draw(box) {
    var island = document.getElementById(box.getAttribute("data-chart"));
    if (!island || typeof window.echarts === "undefined") {
      return;
    }
    var spec = JSON.parse(island.textContent);
    box.classList.add("chart--drawn");
    if (spec.kind === "hbar") {  // one bar per row: the box grows with the rows
      box.style.height = Math.max(200, spec.categories.length * 28 + 60) + "px";
    }
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(spec.kind === "hbar" ? bars(spec) : spec.kind === "pie" ? pie(spec) : columns(spec));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // On a phone the filters fold away (their summary says what is chosen) unless one of them needs fixing.
  var filters = document.getElementById("filter-box");
  if (filters && !filters.hasAttribute("data-keep-open") && window.matchMedia("(max-width: 719px)").matches) {
    filters.open = false;
  }
  Array.prototype.forEach.call(document.querySelectorAll(".chart[data-chart]"), draw);
})();
