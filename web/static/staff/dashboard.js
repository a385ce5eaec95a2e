// The staff dashboard's charts, drawn with the vendored Chart.js (static/vendor/chart.umd.min.js)
// from the figures the page carries in <script type="application/json" id="dashboard-data">.
// No inline script (the CSP allows scripts from this site only); the tables on the page are the
// text version of the same figures, for when this does not run.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var palette = ["#2b6cb0", "#c05621", "#2f855a", "#b7791f", "#6b46c1", "#c53030", "#319795",
                 "#975a16", "#4a5568", "#d53f8c", "#38a169", "#3182ce"];
  var common = { animation: false, responsive: true, maintainAspectRatio: false };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) {
      canvas.closest("figure").classList.add("drawn");
      new window.Chart(canvas, config);
    }
  }

  var topics = Object.keys(data.weekly.topics);
  draw("chart-weekly", {
    type: "bar",
    data: {
      labels: data.weekly.weeks,
      datasets: topics.map(function (topic, i) {
        return { label: topic, data: data.weekly.topics[topic], backgroundColor: palette[i % palette.length] };
      })
    },
    options: Object.assign({}, common, {
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
    })
  });

  function share(id, rows) {
    draw(id, {
      type: "doughnut",
      data: {
        labels: rows.map(function (row) { return row[0]; }),
        datasets: [{ data: rows.map(function (row) { return row[1]; }), backgroundColor: palette }]
      },
      options: Object.assign({}, common, { plugins: { legend: { position: "right" } } })
    });
  }
  share("chart-urgency", data.urgency);
  share("chart-language", data.language);

  if (data.steps.length) {
  draw("chart-dropoff", {
    type: "bar",
    data: {
      labels: data.steps.map(function (row) { return row[0]; }),
      datasets: [{ label: data.labels.dropoff, data: data.steps.map(function (row) { return row[1]; }),
                   backgroundColor: palette[1] }]
    },
    options: Object.assign({}, common, {
      indexAxis: "y",
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
    })
  });
  }
  var hint = document.querySelector(".chart-fallback");
  if (hint) {
    hint.hidden = true;
  }
}());
