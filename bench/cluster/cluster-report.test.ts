import { formatClusterReport } from './cluster-report.js';

test('a table of requests/s and the two ratios', () => {
  const text = formatClusterReport([
    { label: 'weft serve', workers: 1, requestsPerSecond: 10_000.4, failures: 0 },
    { label: 'weft serve', workers: 2, requestsPerSecond: 15_000, failures: 0 },
    { label: 'node:http cluster', workers: 2, requestsPerSecond: 20_000, failures: 3 },
  ]);
  expect(text).toContain('| weft serve | 1 | 10000 | 0 |');
  expect(text).toContain('| node:http cluster | 2 | 20000 | 3 |');
  expect(text).toContain('scaling, weft 2 workers / 1 worker: 1.50');
  expect(text).toContain('weft 2 workers / node:http cluster 2 workers: 0.75');
});

test('a server that served nothing gives no ratio, and missing servers no line', () => {
  const text = formatClusterReport([
    { label: 'weft serve', workers: 1, requestsPerSecond: 0, failures: 9 },
    { label: 'weft serve', workers: 2, requestsPerSecond: 100, failures: 0 },
  ]);
  expect(text).toContain('scaling, weft 2 workers / 1 worker: n/a (no requests)');
  expect(text).not.toContain('node:http cluster 2 workers:');
});
