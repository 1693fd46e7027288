import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineChartSvg } from '../../../scripts/load/lineChartSvg';

const numbers = (svg: string, attr: string): number[] => [...svg.matchAll(new RegExp(`${attr}="([\\d.]+)"`, 'g'))].map((m) => Number(m[1]));

void describe('lineChartSvg', () => {
  void it('keeps every bar inside the plot: bars are intervals, the axis runs to the end of the last', () => {
    const svg = lineChartSvg([{ name: 'answered/s', color: '#00f', bars: true, points: [[0, 5], [1, 10], [2, 20]] }], { label: 'throughput', xUnit: 's', yUnit: 'req/s', width: 500, height: 200 });
    const rects = [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="[^"]+"><title>/g)].map((m) => Number(m[1]) + Number(m[2]));
    assert.equal(rects.length, 3);
    assert.ok(Math.max(...rects) <= 500 - 12, `bars end inside the plot: ${rects.join(', ')}`);
    assert.match(svg, /aria-label="throughput"/);
  });

  void it('breaks a line where an interval had nothing (NaN) and scales the axis to a round number', () => {
    const svg = lineChartSvg([{ name: 'p50', color: '#00f', points: [[0, 10], [1, 12], [2, NaN], [3, 40], [4, 42]] }], { label: 'latency', xUnit: 's', yUnit: 'ms' });
    assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
    assert.ok(numbers(svg, 'y1').length > 0);
    assert.match(svg, />50<\/text>/, 'y axis up to 50 for a maximum of 42');
  });

  void it('says so when there is nothing to draw, and escapes its label', () => {
    assert.equal(lineChartSvg([{ name: 'x', color: '#000', points: [[0, NaN]] }], { label: '<none>', xUnit: 's', yUnit: 'ms' }), '<p>no data for &lt;none&gt;</p>');
  });
});
