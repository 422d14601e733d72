// Runs in the report page: draws each result's timeline charts with the inlined uPlot, fault
// windows shaded and the convergence moment marked. Records what it drew in window.__faultline
// so the browser test can tell a drawn chart from an empty canvas.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('faultline-data').textContent);
  var drawn = { charts: [] };
  window.__faultline = drawn;
  var COLORS = ['#1f6fb2', '#2e8540', '#7a4fb5', '#d9822b', '#c62828', '#00838f', '#6d4c41', '#546e7a'];
  var CHARTS = [
    { key: 'throughput', title: 'Throughput', unit: 'per second' },
    { key: 'latency', title: 'Command latency', unit: 'ms' },
    { key: 'backlog', title: 'Outbox backlog and consumer lag', unit: 'rows / records' },
    { key: 'dead', title: 'Dead letters, retries, duplicates skipped', unit: 'count' },
  ];

  function marks(tl) {
    return {
      hooks: {
        drawClear: [
          function (u) {
            var ctx = u.ctx;
            ctx.save();
            ctx.fillStyle = 'rgba(198, 40, 40, 0.13)';
            tl.faults.forEach(function (f) {
              var a = u.valToPos(f.startS, 'x', true);
              var b = u.valToPos(f.stopS === null ? u.scales.x.max : f.stopS, 'x', true);
              a = Math.max(a, u.bbox.left);
              b = Math.min(b, u.bbox.left + u.bbox.width);
              if (b > a) ctx.fillRect(a, u.bbox.top, b - a, u.bbox.height);
            });
            ctx.restore();
          },
        ],
        draw: [
          function (u) {
            var c = tl.convergence;
            if (c.convergedS === null) return;
            var ctx = u.ctx;
            var x = u.valToPos(c.convergedS, 'x', true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            ctx.save();
            ctx.strokeStyle = '#2e8540';
            ctx.setLineDash([6, 4]);
            ctx.lineWidth = 2;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.restore();
          },
        ],
      },
    };
  }

  function hasData(s) {
    return s.values.some(function (v) {
      return v !== null;
    });
  }

  function chart(view, spec) {
    var el = document.getElementById('chart-' + view.id + '-' + spec.key);
    if (!el) return;
    var tl = view.timeline;
    var series = tl[spec.key].filter(hasData);
    if (series.length === 0 || tl.x.length < 2) {
      el.innerHTML = '<p class="muted">No data sampled for this chart.</p>';
      return;
    }
    var secondary =
      spec.key === 'backlog' &&
      series.some(function (s) {
        return s.unit === 's';
      });
    var opts = {
      title: spec.title,
      width: Math.max(480, Math.min(1100, el.clientWidth || 900)),
      height: 240,
      legend: { live: false }, // labels only: values under the cursor are noise in a static report
      scales: { x: { time: false } },
      axes: [{ label: 'seconds since the run started' }, { label: spec.unit, scale: 'y' }].concat(
        secondary ? [{ label: 'seconds', scale: 's', side: 1, grid: { show: false } }] : [],
      ),
      series: [{ label: 't (s)' }].concat(
        series.map(function (s, i) {
          return {
            label: s.label,
            stroke: COLORS[i % COLORS.length],
            width: 1.5,
            scale: secondary && s.unit === 's' ? 's' : 'y',
            spanGaps: false,
          };
        }),
      ),
      plugins: [marks(tl)],
      hooks: {
        draw: [
          function (u) {
            if (el.dataset.drawn) return;
            el.dataset.drawn = '1';
            drawn.charts.push({
              id: el.id,
              series: series.length,
              points: series.reduce(function (n, s) {
                return (
                  n +
                  s.values.filter(function (v) {
                    return v !== null;
                  }).length
                );
              }, 0),
              width: u.width,
              height: u.height,
            });
          },
        ],
      },
    };
    new uPlot(
      opts,
      [tl.x].concat(
        series.map(function (s) {
          return s.values;
        }),
      ),
      el,
    );
  }

  data.views.forEach(function (view) {
    CHARTS.forEach(function (spec) {
      chart(view, spec);
    });
  });
  drawn.done = true;
})();
