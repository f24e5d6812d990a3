import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deriveRelationId } from '../src/writes/sources/csv-edges.js';
import type { Ontology } from '../src/ontology/ontology.js';
import { tableSpecs } from '../src/store/embedded/dialect.js';

/**
 * Synthetic data for the import benchmarks: PARTIES parties and enough election events
 * that every relation (WON_VOTES_IN party -> event) joins a distinct pair, the same rows
 * written three ways: our CSV edge list, a seed-format JSON file, and a CSV in the
 * column order of the embedded Relation table for LadybugDB's own COPY.
 */

export const PARTIES = 1000;
export const SOURCE_ID = 'bench-source';
const SOURCE = { id: SOURCE_ID, title: 'Synthetic benchmark source', publisher: 'bench', published: '2012-01-17' };

export interface Row {
  id: string;
  from: string;
  to: string;
  date: string;
  voteShare: number;
  paragraph: number;
  quote: string;
}

export function eventCount(relations: number): number {
  return Math.max(1, Math.ceil(relations / PARTIES));
}

export function row(i: number): Row {
  const base = { type: 'WON_VOTES_IN', from: `party-${i % PARTIES}`, to: `event-${Math.floor(i / PARTIES)}`, date: '2012-01-15' };
  return { ...base, id: deriveRelationId(base), voteShare: (i % 1000) / 10, paragraph: (i % 50) + 1, quote: `won votes ${i}` };
}

function entities(relations: number) {
  const cite = [{ paragraph: 1, quote: 'synthetic' }];
  return [
    ...Array.from({ length: PARTIES }, (_, i) => ({ id: `party-${i}`, kind: 'PARTY', name: `Party ${i}`, sources: cite })),
    ...Array.from({ length: eventCount(relations) }, (_, i) => ({ id: `event-${i}`, kind: 'EVENT', name: `Election ${i}`, eventType: 'ELECTION', sources: cite })),
  ];
}

/** The entities (and the source) the relations need, as a seed-format JSON file. */
export function writeEntitiesJson(dir: string, relations: number): string {
  const path = join(dir, 'bench-entities.json');
  writeFileSync(path, JSON.stringify({ source: SOURCE, entities: entities(relations) }));
  return path;
}

/**
 * Entities and `relations` relations in one seed-format JSON file, pretty-printed as a
 * person would keep it. With `badLast`, the last relation's voteShare is out of range
 * (120), so the import must read the whole file and then refuse it.
 */
export function writeSeedJson(dir: string, relations: number, opts: { badLast?: boolean } = {}): string {
  const path = join(dir, 'bench-all.json');
  // Written a chunk at a time, so making the file does not set the peak memory it is to measure.
  const head = JSON.stringify({ source: SOURCE, entities: entities(relations), relations: [] }, null, 2);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `${head.slice(0, head.lastIndexOf('[]'))}[\n`);
    const chunk = 10_000;
    for (let start = 0; start < relations; start += chunk) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(relations, start + chunk); i += 1) {
        const r = row(i);
        const voteShare = opts.badLast && i === relations - 1 ? 120 : r.voteShare;
        const rel = { id: r.id, type: 'WON_VOTES_IN', from: r.from, to: r.to, date: r.date, voteShare, sources: [{ paragraph: r.paragraph, quote: r.quote }] };
        lines.push(JSON.stringify(rel, null, 2).replace(/^/gm, '    ') + (i < relations - 1 ? ',' : ''));
      }
      writeSync(fd, `${lines.join('\n')}\n`);
    }
    writeSync(fd, '  ]\n}');
  } finally {
    closeSync(fd);
  }
  return path;
}

function writeLines(path: string, header: string, count: number, line: (i: number) => string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `${header}\n`);
    const chunk = 10_000;
    for (let start = 0; start < count; start += chunk) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(count, start + chunk); i += 1) lines.push(line(i));
      writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
}

const csvCell = (v: string | number | null) => (v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/** Our edge-list format (see src/writes/sources/csv-edges.ts); ids are left to be derived. */
export function writeEdgesCsv(dir: string, relations: number, name = 'bench-edges.csv'): string {
  const path = join(dir, name);
  writeLines(path, 'type,from,to,date,voteShare,citation.source,citation.paragraph,citation.quote', relations, (i) => {
    const r = row(i);
    return ['WON_VOTES_IN', r.from, r.to, r.date, r.voteShare, SOURCE_ID, r.paragraph, r.quote].map(csvCell).join(',');
  });
  return path;
}

/**
 * The same rows for `COPY Relation FROM ...`: from and to first (the primary keys of the
 * ends), then the table's columns in the order of its DDL, values as `load` stores them.
 */
export function writeCopyCsv(dir: string, ontology: Ontology, relations: number, addedBy: string): string {
  const path = join(dir, 'bench-copy.csv');
  const columns = tableSpecs(ontology)
    .find((t) => t.table === 'Relation')!
    .columns.map(([name]) => name);
  writeLines(path, ['from', 'to', ...columns].join(','), relations, (i) => {
    const r = row(i);
    const values: Record<string, string | number | null> = {
      id: r.id,
      type: 'WON_VOTES_IN',
      sources: JSON.stringify([{ sourceId: SOURCE_ID, paragraph: r.paragraph, sentence: null, quote: r.quote }]),
      addedBy,
      date: r.date,
      voteShare: r.voteShare,
    };
    return [r.from, r.to, ...columns.map((c) => values[c] ?? null)].map(csvCell).join(',');
  });
  return path;
}
