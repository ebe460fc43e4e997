/* Draw every <canvas data-chart="ID"> from the JSON in <script id="ID">: {labels, series:
   [{label, data}]}. Amounts arrive as strings with a decimal point and are shown in Swedish
   format. The same figures are always in a table on the page. */
(function () {
  "use strict";
  var COLOURS = ["#0b4f8a", "#1d6b2f", "#8a4b0b", "#6b1d5e", "#4a4a4a"];
  var lang = document.documentElement.lang || "sv";
  var number = new Intl.NumberFormat("sv-SE", { maximumFractionDigits: 0 });
  function kr(value) { return number.format(value) + "\u00a0kr"; }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    var format = canvas.dataset.unit === "percent"
      ? function (v) { return number.format(v) + "\u00a0%"; } : kr;
    new Chart(canvas, {
      type: canvas.dataset.type || "line",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          return {
            label: s.label,
            data: s.data.map(function (v) { return v === null ? null : Number(v); }),
            borderColor: COLOURS[i % COLOURS.length],
            backgroundColor: COLOURS[i % COLOURS.length],
            borderDash: i === 2 ? [6, 4] : [],
            pointRadius: 0,
            spanGaps: false
          };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        locale: lang === "en" ? "en-GB" : "sv-SE",
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return format(v); } } } },
        plugins: { tooltip: { callbacks: { label: function (c) {
          return c.dataset.label + ": " + format(c.parsed.y);
        } } } }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
