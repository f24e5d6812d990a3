import type { LoadReport } from './load-test.js';
import type { QueryMeasure } from './measure.js';
import { mib } from './stats.js';

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ratioOf = (m: QueryMeasure) => (m.raw.p50 > 0 ? m.http.p50 / m.raw.p50 : Number.NaN);

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function queryTable(measures: readonly QueryMeasure[]): string {
  return table(
    ['query', 'n', 'first ms', 'http p50', 'http p99', 'raw p50', 'raw p99', 'p50 http/raw', 'DB round trips', 'response KiB', 'RSS MiB'],
    measures.map((m) => [
      m.name,
      String(m.http.n),
      ms(m.firstMs),
      ms(m.http.p50),
      ms(m.http.p99),
      ms(m.raw.p50),
      ms(m.raw.p99),
      Number.isNaN(ratioOf(m)) ? 'n/a' : ratioOf(m).toFixed(2),
      m.reportedRoundTrips === null || m.reportedRoundTrips === m.roundTrips ? String(m.roundTrips) : `${m.roundTrips} (response says ${m.reportedRoundTrips})`,
      m.refused ? 'refused: too large' : (m.responseBytes / 1024).toFixed(1),
      String(mib(m.rssPeak)),
    ]),
  );
}

export function loadTable(rows: ReadonlyArray<[string, number, LoadReport]>): string {
  return table(
    [
      'load',
      'conns',
      'req/s',
      'requests',
      'p50 ms',
      'p99 ms',
      'max ms',
      'errors',
      'timeouts',
      'non-2xx',
      'GraphQL errors',
      'unfinished (drain s)',
      'RSS start MiB',
      'RSS end MiB',
      'RSS end after GC MiB',
      'RSS peak MiB',
    ],
    rows.map(([name, connections, r]) => [
      name,
      String(connections),
      r.requestsPerSecond.toFixed(0),
      String(r.total),
      String(r.p50),
      String(r.p99),
      String(r.max),
      String(r.errors),
      String(r.timeouts),
      String(r.non2xx),
      String(r.graphqlErrors),
      `${r.unfinished} (${(r.drainMs / 1000).toFixed(1)})`,
      String(r.rssStart),
      String(r.rssEnd),
      String(r.rssSettled),
      String(r.rssPeak),
    ]),
  );
}

/** The exact last line of the report. */
export function worstLine(measures: readonly QueryMeasure[]): string {
  const ranked = measures.filter((m) => !Number.isNaN(ratioOf(m))).sort((a, b) => ratioOf(b) - ratioOf(a));
  const worst = ranked[0];
  return worst ? `worst p50 ratio: ${ratioOf(worst).toFixed(2)} (${worst.name})` : 'worst p50 ratio: n/a (no query)';
}
