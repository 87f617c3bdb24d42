'use strict';
// Hand-written SVG bar charts for the benchmark results (no plotting
// dependency): one chart per case and one overview of all cases.
//
//   caseChart(caseResult, contenders, meta)  -> SVG text
//   overviewChart(caseResults, contenders, meta) -> SVG text
//
// caseResult is one entry of latest.json's `cases`; contenders are the
// entries of contenders.js (key, label, color); meta = { title, machine,
// date, rounds }.

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';
const GREY = '#868e96';
const GRID = '#e9ecef';
const INK = '#212529';

function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function num(x) {
  return Number.isFinite(x) ? +x.toFixed(2) : 0;
}

function text(x, y, s, attrs = '') {
  return `<text x="${num(x)}" y="${num(y)}" ${attrs}>${esc(s)}</text>`;
}

// Splits text into lines of at most `width` characters.
function wrap(s, width, maxLines) {
  const words = String(s).split(/\s+/);
  const lines = [];
  let cur = '';
  for (const w of words) {
    if (cur && (cur + ' ' + w).length > width) {
      lines.push(cur);
      cur = w;
    } else {
      cur = cur ? cur + ' ' + w : w;
    }
  }
  if (cur) lines.push(cur);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = lines[maxLines - 1].replace(/\s*\S*$/, '') + ' …';
  }
  return lines;
}

function fmtValue(v, unit) {
  if (unit === 'MiB') return (v >= 0 ? '+' : '') + v.toFixed(2) + ' MiB';
  const u = unit.startsWith('ns/') ? 'ns' : unit;
  if (Math.abs(v) >= 100000) return `${(v / 1000).toFixed(0)}k ${u}`;
  if (Math.abs(v) >= 1000) return `${Math.round(v)} ${u}`;
  if (Math.abs(v) >= 10) return `${v.toFixed(1)} ${u}`;
  return `${v.toFixed(2)} ${u}`;
}

function fmtRatio(r) {
  if (r >= 100) return r.toFixed(0) + 'x';
  if (r >= 10) return r.toFixed(1) + 'x';
  return r.toFixed(2) + 'x';
}

// "Nice" linear ticks covering [lo, hi].
function linearTicks(lo, hi, count = 5) {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(+t.toFixed(10));
  return ticks;
}

function header(width, height) {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
}

function footer(meta, y, width) {
  const m = meta.machine || {};
  const line1 = `${m.cpu || 'unknown CPU'}, ${m.cores || '?'} cores, ${m.platform || ''}; Node ${m.node || process.version}; ${meta.date || ''}`;
  return [
    text(16, y, line1, `fill="${GREY}" font-size="10.5"`),
    text(width - 16, y, 'lower is better', `fill="${GREY}" font-size="10.5" text-anchor="end"`),
  ];
}

function caseChart(k, contenders, meta) {
  const W = 820;
  const labelW = 96;
  const x0 = 16 + labelW;
  const plotW = 470;
  const rowH = 30;
  const barH = 16;
  const unit = k.unit;
  const subtitle = wrap(k.what || '', 120, 3);
  const top = 46 + subtitle.length * 15;
  const rows = contenders.map((c) => ({ c, r: k.results[c.key] || { status: 'n/a' } }));
  const ok = rows.filter((x) => x.r.status === 'ok');
  const H = top + rows.length * rowH + 58;
  const out = header(W, H);

  const unitText = unit === 'ms' ? 'milliseconds' : unit === 'MiB' ? 'MiB of RSS growth' : unit.replace('ns/', 'ns per ');
  out.push(text(16, 24, `${k.name}`, `font-size="16" font-weight="600" fill="${INK}"`));
  out.push(text(16 + 9.5 * k.name.length + 12, 24, `median, ${unitText}`, `font-size="12" fill="${GREY}"`));
  subtitle.forEach((l, i) => out.push(text(16, 44 + i * 15, l, `font-size="11" fill="${GREY}"`)));

  // Domain: from min(0, lowest) to the largest value that is not an outlier.
  // A contender more than 6x the median of all contenders' medians is drawn
  // off scale (cut bar) so the others stay readable; its value is printed.
  let lo = 0;
  let hi = 0;
  const medians = ok.map((x) => x.r.median);
  if (medians.length) {
    lo = Math.min(0, ...ok.map((x) => Math.min(x.r.min, x.r.median)));
    const positive = medians.filter((v) => v > 0).sort((a, b) => a - b);
    const mid = positive.length ? positive[positive.length >> 1] : 0;
    const inScale = mid ? positive.filter((v) => v <= 6 * mid) : positive;
    const limitBase = inScale.length ? Math.max(...inScale) : Math.max(0, ...medians);
    // Whiskers may widen the scale by half at most; longer ones are cut at the edge.
    const inRows = ok.filter((x) => x.r.median <= limitBase);
    hi = Math.min(1.5 * limitBase, Math.max(limitBase, ...inRows.map((x) => x.r.max))) * 1.08;
    if (hi <= 0) hi = 1;
  } else {
    hi = 1;
  }
  const ticks = linearTicks(lo, hi, 5);
  hi = Math.max(hi, ticks[ticks.length - 1]);
  lo = Math.min(lo, ticks[0]);
  const sx = (v) => x0 + ((v - lo) / (hi - lo)) * plotW;

  const plotTop = top;
  const plotBottom = top + rows.length * rowH;
  for (const t of ticks) {
    const x = sx(t);
    out.push(`<line x1="${num(x)}" y1="${plotTop - 4}" x2="${num(x)}" y2="${plotBottom}" stroke="${t === 0 ? '#adb5bd' : GRID}"/>`);
    const lab = unit === 'MiB' ? t.toFixed(Math.abs(t) < 10 ? 1 : 0) : t >= 10000 ? `${t / 1000}k` : String(t);
    out.push(text(x, plotBottom + 14, lab, `fill="${GREY}" font-size="10.5" text-anchor="middle"`));
  }

  const callplan = k.results.callplan;
  rows.forEach(({ c, r }, i) => {
    const yMid = plotTop + i * rowH + rowH / 2;
    out.push(text(16 + labelW - 10, yMid + 4, c.label, `text-anchor="end" fill="${INK}" font-weight="${c.key === 'callplan' ? 600 : 400}"`));
    if (r.status !== 'ok') {
      const why = r.status === 'n/a' ? 'n/a' : r.status;
      const note = r.note ? `${why}: ${r.note}` : why;
      out.push(text(x0 + 6, yMid + 4, wrap(note, 108, 1)[0], `fill="${GREY}" font-style="italic" font-size="11"`));
      return;
    }
    const v = r.median;
    const off = v > hi;
    const xa = sx(Math.min(0, v));
    const xb = sx(off ? hi : Math.max(0, v));
    out.push(`<rect x="${num(xa)}" y="${num(yMid - barH / 2)}" width="${num(Math.max(1, xb - xa))}" height="${barH}" fill="${c.color}" rx="2"/>`);
    if (off) {
      // Cut mark: the bar continues beyond the axis.
      const xc = xb - 14;
      out.push(`<path d="M${num(xc - 4)} ${num(yMid + barH / 2 + 2)} L${num(xc + 2)} ${num(yMid - barH / 2 - 2)} M${num(xc + 2)} ${num(yMid + barH / 2 + 2)} L${num(xc + 8)} ${num(yMid - barH / 2 - 2)}" stroke="#ffffff" stroke-width="3"/>`);
    } else if (r.min !== undefined && r.max !== undefined) {
      // Whisker: min..max over the rounds.
      const wa = sx(Math.max(lo, r.min));
      const wb = sx(Math.min(hi, r.max));
      out.push(`<line x1="${num(wa)}" y1="${num(yMid)}" x2="${num(wb)}" y2="${num(yMid)}" stroke="${INK}" stroke-width="1" opacity="0.6"/>`);
      // Caps at real ends only; a whisker cut at the edge ends in an arrow head.
      out.push(`<line x1="${num(wa)}" y1="${num(yMid - 4)}" x2="${num(wa)}" y2="${num(yMid + 4)}" stroke="${INK}" opacity="0.6"/>`);
      if (r.max > hi) out.push(`<path d="M${num(wb - 6)} ${num(yMid - 4)} L${num(wb)} ${num(yMid)} L${num(wb - 6)} ${num(yMid + 4)}" fill="none" stroke="${INK}" opacity="0.6"/>`);
      else out.push(`<line x1="${num(wb)}" y1="${num(yMid - 4)}" x2="${num(wb)}" y2="${num(yMid + 4)}" stroke="${INK}" opacity="0.6"/>`);
    }
    let label = fmtValue(v, unit);
    if (off) label += ' (off scale)';
    if (c.key !== 'callplan' && k.ratios && k.ratios.callplan && k.ratios.callplan[c.key] && callplan && callplan.status === 'ok') {
      label += `  ·  ${fmtRatio(k.ratios.callplan[c.key].paired)} callplan`;
    }
    const xl = Math.max(xb, off ? xb : sx(Math.min(hi, r.max))) + 8;
    out.push(text(xl, yMid + 4, label, `fill="${INK}" font-size="11.5"`));
  });

  const rounds = ok.length ? Math.max(...ok.map((x) => x.r.samples.length)) : 0;
  out.push(text(16, plotBottom + 34, `Median of ${rounds} interleaved rounds; whiskers: fastest and slowest round (arrow: beyond the axis). ` +
    (unit === 'MiB' ? 'Each round is a fresh process per contender.' : 'Ratios are per-round medians.'),
  `fill="${GREY}" font-size="10.5"`));
  out.push(...footer(meta, plotBottom + 50, W));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

// Overview: for every case with ratios, each contender's time relative to the
// reference contender (callplan, or napi when callplan is not available), on a
// log scale centred on 1x. Bars to the left: faster than the reference.
function overviewChart(cases, contenders, meta) {
  const refKey = cases.some((k) => k.results.callplan && k.results.callplan.status === 'ok') ? 'callplan'
    : cases.some((k) => k.results.napi && k.results.napi.status === 'ok') ? 'napi' : null;
  const ref = contenders.find((c) => c.key === refKey);
  // Contenders without a single result (not loaded in this Node) get no rows.
  const produced = (c) => cases.some((k) => k.results[c.key] && k.results[c.key].status === 'ok');
  const others = contenders.filter((c) => c.key !== refKey && produced(c));
  const absent = contenders.filter((c) => c.key !== refKey && !produced(c));
  const hasRatios = (k) => k.ratios && k.ratios[refKey] && k.results[refKey] && k.results[refKey].status === 'ok';
  const shown = cases.filter(hasRatios);
  const skipped = cases.filter((k) => !hasRatios(k));

  const W = 860;
  const labelW = 190;
  const x0 = 16 + labelW;
  const plotW = W - x0 - 80;
  const rowH = 13;
  const groupGap = 14;
  const top = 84;
  const noteLines = 1 + (skipped.length ? 1 : 0) + absent.length;
  const H = top + shown.length * (others.length * rowH + groupGap) + 58 + noteLines * 13;
  const out = header(W, H);

  out.push(text(16, 26, 'callplan benchmark overview', `font-size="17" font-weight="600" fill="${INK}"`));
  out.push(text(16, 46, ref
    ? `Time per operation relative to ${ref.label} (= 1x, the vertical line), log scale; left of the line = faster than ${ref.label}.`
    : 'No reference contender produced results.', `fill="${GREY}" font-size="11.5"`));
  // Legend
  let lx = 16;
  for (const c of others) {
    out.push(`<rect x="${lx}" y="58" width="12" height="12" fill="${c.color}" rx="2"/>`);
    out.push(text(lx + 17, 68.5, c.label, `fill="${INK}" font-size="11.5"`));
    lx += 30 + c.label.length * 7.5;
  }

  if (!ref) {
    out.push('</svg>');
    return out.join('\n') + '\n';
  }

  const ratios = [];
  for (const k of shown) for (const c of others) {
    const r = k.ratios[refKey][c.key];
    if (r) ratios.push(r.paired);
  }
  const steps = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 4, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
  const minR = Math.min(0.5, ...ratios.map((r) => r / 1.15));
  const maxR = Math.max(2, ...ratios.map((r) => r * 1.15));
  const lo = steps.filter((s) => s <= minR).pop() || steps[0];
  const hi = steps.find((s) => s >= maxR) || steps[steps.length - 1];
  const L = (v) => Math.log(v);
  const sx = (v) => x0 + ((L(Math.min(hi, Math.max(lo, v))) - L(lo)) / (L(hi) - L(lo))) * plotW;
  const tickVals = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]
    .filter((t) => t >= lo && t <= hi);

  const plotTop = top;
  const plotBottom = H - 50 - noteLines * 13;
  for (const t of tickVals) {
    const x = sx(t);
    out.push(`<line x1="${num(x)}" y1="${plotTop - 6}" x2="${num(x)}" y2="${plotBottom}" stroke="${t === 1 ? '#495057' : GRID}" stroke-width="${t === 1 ? 1.5 : 1}"/>`);
    out.push(text(x, plotBottom + 14, `${t}x`, `fill="${GREY}" font-size="10.5" text-anchor="middle"`));
  }

  let y = plotTop;
  for (const k of shown) {
    const refRes = k.results[refKey];
    const groupH = others.length * rowH;
    const unit = k.unit;
    out.push(text(16, y + groupH / 2, k.name, `fill="${INK}" font-weight="600" font-size="12"`));
    out.push(text(16, y + groupH / 2 + 13, `${ref.label}: ${fmtValue(refRes.median, unit)}${unit === 'ns/call' ? '' : unit === 'ms' ? ' total' : ' ' + unit.replace('ns/', 'per ')}`,
      `fill="${GREY}" font-size="10.5"`));
    others.forEach((c, i) => {
      const yMid = y + i * rowH + rowH / 2;
      const r = k.ratios[refKey][c.key];
      const res = k.results[c.key] || { status: 'n/a' };
      if (!r) {
        out.push(text(sx(1) + 4, yMid + 3.5, `${c.label}: ${res.status}`, `fill="${GREY}" font-size="9.5" font-style="italic"`));
        return;
      }
      const v = r.paired;
      const xa = sx(Math.min(1, v));
      const xb = sx(Math.max(1, v));
      out.push(`<rect x="${num(xa)}" y="${num(yMid - 5)}" width="${num(Math.max(1, xb - xa))}" height="10" fill="${c.color}" rx="1.5"/>`);
      const label = fmtRatio(v);
      if (v >= 1) out.push(text(xb + 4, yMid + 3.5, label, `fill="${INK}" font-size="9.5"`));
      else out.push(text(xa - 4, yMid + 3.5, label, `fill="${INK}" font-size="9.5" text-anchor="end"`));
    });
    y += groupH + groupGap;
    out.push(`<line x1="16" y1="${num(y - groupGap / 2)}" x2="${W - 16}" y2="${num(y - groupGap / 2)}" stroke="${GRID}"/>`);
  }

  const notes = [`Paired ratios: median over rounds of (contender / ${ref.label}) from batches timed back to back.`];
  if (skipped.length) notes.push(`Not shown: ${skipped.map((k) => k.name).join(', ')} (no ratio to ${ref ? ref.label : 'a reference'}: see each case's own chart).`);
  for (const c of absent) notes.push(`${c.label}: no results in this run${c.note ? ` (${c.note})` : ''}.`);
  notes.forEach((n, i) => out.push(text(16, plotBottom + 32 + i * 13, wrap(n, 150, 1)[0], `fill="${GREY}" font-size="10.5"`)));
  out.push(...footer(meta, plotBottom + 32 + notes.length * 13 + 2, W));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

module.exports = { caseChart, overviewChart, fmtValue };
