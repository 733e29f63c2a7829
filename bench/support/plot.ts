/**
 * The capacity growth plot: how each cost grows with the number of streaming sessions K, one line per
 * store, as a self-contained SVG (no plotting library: a few axes and polylines). Three panels: engine
 * RSS per streaming session, p99 delivery latency, and the share of offered deltas delivered.
 *
 * @module
 */
import type { LevelResult } from "../capacity.ts";

const WIDTH = 300;
const HEIGHT = 220;
const MARGIN = { left: 56, right: 12, top: 30, bottom: 40 };
const COLORS: Record<string, string> = { memory: "#2563eb", sqlite: "#ea580c" };

interface Panel {
  title: string;
  unit: string;
  value(level: LevelResult): number;
  target?: number;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function perSession(total: number, base: number, k: number): number {
  return k > 0 ? (total - base) / k : NaN;
}

/** "Nice" upper bound for an axis. */
function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function panel(levels: LevelResult[], spec: Panel, offsetX: number): string {
  const ks = [...new Set(levels.map((l) => l.requested))].sort((a, b) => a - b);
  const values = levels.map(spec.value).filter(Number.isFinite);
  const yMax = niceMax(Math.max(...values, spec.target ?? 0) * 1.05);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const logMin = Math.log10(Math.min(...ks));
  const logSpan = Math.max(1e-9, Math.log10(Math.max(...ks)) - logMin);
  const x = (k: number) =>
    offsetX + MARGIN.left + (ks.length > 1 ? (Math.log10(k) - logMin) / logSpan : 0.5) * plotW;
  const y = (v: number) => MARGIN.top + plotH - (Math.min(v, yMax) / yMax) * plotH;
  const parts: string[] = [];
  parts.push(
    `<text x="${offsetX + WIDTH / 2}" y="16" text-anchor="middle" font-weight="600">${
      escape(spec.title)
    }</text>`,
  );
  // Axes, gridlines and ticks.
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    parts.push(
      `<line x1="${offsetX + MARGIN.left}" x2="${offsetX + WIDTH - MARGIN.right}" y1="${y(v)}" y2="${
        y(v)
      }" stroke="#e5e7eb"/>`,
      `<text x="${offsetX + MARGIN.left - 6}" y="${y(v) + 4}" text-anchor="end">${
        Number(v.toPrecision(3))
      }</text>`,
    );
  }
  for (const k of ks) {
    parts.push(
      `<text x="${x(k)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${
        k.toLocaleString("en")
      }</text>`,
    );
  }
  parts.push(
    `<text x="${offsetX + MARGIN.left + plotW / 2}" y="${
      HEIGHT - 6
    }" text-anchor="middle">sessions K (log)</text>`,
    `<text x="${offsetX + 12}" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 ${
      offsetX + 12
    } ${MARGIN.top + plotH / 2})">${escape(spec.unit)}</text>`,
  );
  if (spec.target !== undefined) {
    parts.push(
      `<line x1="${offsetX + MARGIN.left}" x2="${offsetX + WIDTH - MARGIN.right}" y1="${
        y(spec.target)
      }" y2="${y(spec.target)}" stroke="#16a34a" stroke-dasharray="4 3"/>`,
    );
  }
  for (const store of [...new Set(levels.map((l) => l.store))]) {
    const points = levels.filter((l) => l.store === store && Number.isFinite(spec.value(l)))
      .sort((a, b) => a.requested - b.requested)
      .map((l) => `${x(l.requested).toFixed(1)},${y(spec.value(l)).toFixed(1)}`);
    const color = COLORS[store] ?? "#111827";
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(" ")}"/>`);
    for (const point of points) {
      const [px, py] = point.split(",");
      parts.push(`<circle cx="${px}" cy="${py}" r="3" fill="${color}"/>`);
    }
  }
  return parts.join("\n");
}

/** The SVG document for the capacity levels measured. */
export function capacityPlot(levels: LevelResult[], tokensPerSecond: number): string {
  const panels: Panel[] = [
    {
      title: "RSS per streaming session",
      unit: "KB",
      value: (l) => perSession(l.streaming.rss, l.base.rss, l.reached) / 1024,
      target: 50,
    },
    { title: "p99 delivery latency", unit: "ms", value: (l) => l.latency.p99 ?? NaN, target: 250 },
    {
      title: "offered deltas delivered",
      unit: "%",
      value: (l) => (100 * l.deltasPerSecond) / Math.max(1, l.offeredPerSecond),
      target: 100,
    },
  ];
  const width = WIDTH * panels.length;
  const legendY = HEIGHT + 18;
  const stores = [...new Set(levels.map((l) => l.store))];
  const legend = stores.map((store, i) =>
    `<rect x="${12 + i * 110}" y="${legendY - 10}" width="12" height="12" fill="${
      COLORS[store] ?? "#111827"
    }"/>` +
    `<text x="${30 + i * 110}" y="${legendY}">${escape(store)} store</text>`
  ).join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${
    HEIGHT + 30
  }" viewBox="0 0 ${width} ${HEIGHT + 30}" font-family="system-ui, sans-serif" font-size="11" fill="#111827">
<title>Engine capacity: K sessions streaming at ${tokensPerSecond} tokens/s</title>
<rect width="100%" height="100%" fill="#ffffff"/>
${panels.map((p, i) => panel(levels, p, i * WIDTH)).join("\n")}
${legend}
<text x="${width - 12}" y="${legendY}" text-anchor="end" fill="#16a34a">dashed: target</text>
</svg>
`;
}
