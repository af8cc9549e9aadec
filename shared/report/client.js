// The report page's only script (inlined with uPlot, allowed by its hash in the Content-Security-Policy): draws
// the charts from the JSON data block and makes the overview sortable. It never writes HTML: text goes through
// textContent, data through uPlot.
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const width = (el) => Math.max(320, Math.min(el.clientWidth || 900, 1100));

  for (const spec of data.charts) {
    const el = document.getElementById(spec.id);
    if (!el) continue;
    const bars = spec.type === 'bars';
    let points = 0;
    for (const s of spec.series) for (const v of s.values) if (v !== null) points++;
    const opts = {
      width: width(el),
      height: bars && spec.unit === '' ? 110 : 200,
      scales: { x: { time: true } },
      axes: [{}, { label: spec.unit, size: 60, show: !(bars && spec.unit === '') }],
      series: [
        {},
        ...spec.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: bars ? s.color : undefined,
          width: bars ? 0 : 2,
          spanGaps: false,
          points: { show: !bars && spec.x.length < 60 },
          paths: bars ? uPlot.paths.bars({ size: [0.9, Number.POSITIVE_INFINITY] }) : undefined,
        })),
      ],
      hooks: {
        draw: [
          () => {
            el.dataset.points = String(points);
          },
        ],
      },
    };
    new uPlot(opts, [spec.x, ...spec.series.map((s) => s.values)], el);
  }

  for (const table of document.querySelectorAll('table.sortable')) {
    const body = table.tBodies[0];
    table.querySelectorAll('th').forEach((th, column) => {
      th.addEventListener('click', () => {
        const ascending = th.dataset.order !== 'asc';
        for (const other of table.querySelectorAll('th')) delete other.dataset.order;
        th.dataset.order = ascending ? 'asc' : 'desc';
        const key = (row) => row.cells[column].dataset.sort ?? row.cells[column].textContent;
        const rows = [...body.rows].sort((a, b) => {
          const x = key(a);
          const y = key(b);
          const nx = Number(x);
          const ny = Number(y);
          const order = Number.isNaN(nx) || Number.isNaN(ny) ? x.localeCompare(y) : nx - ny;
          return ascending ? order : -order;
        });
        for (const row of rows) body.appendChild(row);
      });
    });
  }
})();
