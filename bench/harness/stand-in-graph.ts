import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedGraph, GenerateOptions } from './graph.js';

/**
 * A small stand-in for bench/generate.ts, used only while that file does not exist:
 * same signature, seed-format JSON, two hubs, a leaf and two actors far apart.
 */

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCE = { id: 'stand-in-source', title: 'Stand-in benchmark graph', publisher: 'bench', published: '2012-01-17' };
const cite = [{ paragraph: 1, quote: 'stand-in' }];

export async function generate({ entities, relations, seed, outDir }: GenerateOptions): Promise<GeneratedGraph> {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const n = Math.max(50, entities);
  const count = { PERSON: Math.ceil(n * 0.4), PARTY: Math.ceil(n * 0.1), ORGANIZATION: Math.ceil(n * 0.2), EVENT: Math.ceil(n * 0.2), PLACE: Math.ceil(n * 0.1) };
  const ids = (prefix: string, k: number) => Array.from({ length: k }, (_, i) => `${prefix}-${i}`);
  const person = ids('person', count.PERSON);
  const party = ids('party', count.PARTY);
  const org = ids('org', count.ORGANIZATION);
  const event = ids('event', count.EVENT);
  const place = ids('place', count.PLACE);
  const ents = [
    ...person.map((id, i) => ({ id, kind: 'PERSON', name: `Person ${i} ${pick(['Abilov', 'Nazarbayev', 'Tokayev', 'Haraszti', 'Soares'])}`, sources: cite })),
    ...party.map((id, i) => ({ id, kind: 'PARTY', name: `Party ${i}`, sources: cite })),
    ...org.map((id, i) => ({ id, kind: 'ORGANIZATION', name: `Organization ${i}`, sources: cite })),
    ...event.map((id, i) => ({ id, kind: 'EVENT', name: `Election ${i}`, eventType: 'ELECTION', date: '2012-01-15', sources: cite })),
    ...place.map((id, i) => ({ id, kind: 'PLACE', name: `Place ${i}`, placeType: 'CITY', sources: cite })),
  ];
  // Leaf and the two distant actors: kept out of the random relations below.
  const leaf = person.pop()!;
  const far = [person.pop()!, person.pop()!] as [string, string];
  const shapes: Array<[string, string[], string[]]> = [
    ['SUPPORTS', [...person, ...party, ...org], [...person, ...party]],
    ['CONTESTED', [...person, ...party], event],
    ['STATED', [...person, ...party, ...org], [...person, ...party, ...org, ...event, ...place]],
    ['OBSERVED', org, event],
    ['TOOK_PLACE_IN', event, place],
    ['LEADS', person, [...party, ...org]],
  ];
  const rels: Array<Record<string, unknown>> = [];
  const add = (type: string, from: string, to: string) =>
    rels.push({ id: `rel-${rels.length}`, type, from, to, date: '2012-01-15', sources: [{ paragraph: (rels.length % 50) + 1, quote: `stand-in ${rels.length}` }] });
  add('SUPPORTS', leaf, party[1]!);
  add('SUPPORTS', far[0], person[1]!);
  add('SUPPORTS', person[1]!, person[2]!);
  add('SUPPORTS', person[3]!, person[2]!);
  add('SUPPORTS', far[1], person[3]!);
  const hubShare = 0.005;
  while (rels.length < relations) {
    const r = random();
    if (r < hubShare) add('STATED', person[0]!, pick([...party, ...event]));
    else if (r < 2 * hubShare) add('CONTESTED', party[0]!, pick(event));
    else {
      const [type, from, to] = pick(shapes);
      const a = pick(from);
      const b = pick(to);
      if (a !== b) add(type, a, b);
    }
  }
  mkdirSync(outDir, { recursive: true });
  // Two files, entities first: `load` writes a file's entities and relations in chunks side
  // by side, so in one file a relation could reach an entity of a later chunk.
  const files = [join(outDir, 'stand-in-entities.json'), join(outDir, 'stand-in-relations.json')];
  writeFileSync(files[0]!, JSON.stringify({ source: SOURCE, entities: ents }));
  writeFileSync(files[1]!, JSON.stringify({ source: SOURCE, relations: rels }));
  return { files, entities: ents.length, relations: rels.length, hubs: { person: person[0]!, party: party[0]! }, leaf, distant: far };
}
