/**
 * The benchmark's picture: wall time against the number of customers, log-log, as a small
 * self-contained SVG. Both axes carry values and titles; the legend sits right of the plot
 * area, so it never covers a line.
 */

export interface Series {
  readonly label: string;
  readonly color: string;
  /** Milliseconds, one per x value. */
  readonly ms: readonly number[];
}

/** The frame of the plot, exported for the test that checks nothing is drawn over it. */
export const FRAME = { width: 790, height: 400, left: 84, right: 550, top: 40, bottom: 340 } as const;

const fmt = (v: number) => Number(v.toFixed(1)).toString();
const label = (ms: number) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

export function plotSvg(customers: readonly number[], series: readonly Series[]): string {
  const { width, height, left, right, top, bottom } = FRAME;
  const log = (v: number) => Math.log10(Math.max(v, 0.1));
  const xs = customers.map(log);
  const values = series.flatMap((s) => s.ms.map(log));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  // Whole decades around the data, so every tick is a round value.
  const [y0, y1] = [Math.floor(Math.min(...values)), Math.ceil(Math.max(...values)) || 1];
  const px = (x: number) => left + ((x - x0) / (x1 - x0 || 1)) * (right - left);
  const py = (y: number) => bottom - ((y - y0) / (y1 - y0 || 1)) * (bottom - top);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="${(left + right) / 2}" y="24" font-size="15" text-anchor="middle">Wall time against number of customers</text>`,
  ];
  for (let decade = y0; decade <= y1; decade++) {
    const y = fmt(py(decade));
    parts.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${left - 6}" y="${y}" font-size="12" text-anchor="end" dominant-baseline="middle">${label(10 ** decade)}</text>`);
  }
  customers.forEach((n, i) => {
    const x = fmt(px(xs[i]));
    parts.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#f0f0f0"/>`,
      `<text x="${x}" y="${bottom + 18}" font-size="12" text-anchor="middle">${n}</text>`);
  });
  parts.push(
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#444"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#444"/>`,
    `<text x="${(left + right) / 2}" y="${bottom + 42}" font-size="13" text-anchor="middle">customers (N, log scale)</text>`,
    `<text x="16" y="${(top + bottom) / 2}" font-size="13" text-anchor="middle" transform="rotate(-90 16 ${(top + bottom) / 2})">wall time (log scale)</text>`,
  );
  series.forEach((s, i) => {
    const points = s.ms.map((v, j) => `${fmt(px(xs[j]))},${fmt(py(log(v)))}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points}"/>`);
    const y = top + 10 + i * 22;
    parts.push(`<line x1="${right + 20}" y1="${y}" x2="${right + 44}" y2="${y}" stroke="${s.color}" stroke-width="3"/>`,
      `<text x="${right + 50}" y="${y}" font-size="13" dominant-baseline="middle">${s.label}</text>`);
  });
  parts.push('</svg>\n');
  return parts.join('');
}
