import { FRAME, plotSvg } from '../bench/plot';

const svg = plotSvg([1, 10, 50], [
  { label: 'first synth', color: '#1f77b4', ms: [900, 4200, 21000] },
  { label: 'floor (YAML + write)', color: '#7f7f7f', ms: [12, 95, 480] },
]);
const texts = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map(([, x, y, t]) => ({ x: Number(x), y: Number(y), t }));

describe('the benchmark plot', () => {
  test('labels both axes with their values and titles', () => {
    expect(texts.map((t) => t.t)).toEqual(expect.arrayContaining(['customers (N, log scale)', 'wall time (log scale)', '1', '10', '50']));
    // Whole decades from below the fastest to above the slowest value.
    expect(texts.map((t) => t.t)).toEqual(expect.arrayContaining(['10 ms', '100 ms', '1 s', '10 s', '100 s']));
  });

  test('puts the legend right of the plot area, where no line runs', () => {
    const points = [...svg.matchAll(/points="([^"]+)"/g)].flatMap(([, p]) => p.split(' ').map((xy) => Number(xy.split(',')[0])));
    expect(points.length).toBe(6);
    expect(Math.max(...points)).toBeLessThanOrEqual(FRAME.right);
    for (const label of ['first synth', 'floor (YAML + write)']) {
      const entry = texts.find((t) => t.t === label)!;
      expect(entry.x).toBeGreaterThan(FRAME.right);
      expect(entry.x + label.length * 8).toBeLessThanOrEqual(FRAME.width);
    }
  });
});
