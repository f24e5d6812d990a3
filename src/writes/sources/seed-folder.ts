import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Ontology } from '../../ontology/ontology.js';
import type { GraphBatch } from '../../store/records.js';
import type { LoadTarget } from '../../store/load-sink.js';
import { InputError } from '../errors.js';
import { fingerprintText } from '../fingerprint.js';
import { checkStored, loadFile } from '../load/load-file.js';
import { parseSeedText } from '../seed-file.js';
import { Checker, validateSeed } from '../validate.js';

export interface SeedOutcome {
  file: string;
  status: 'loaded' | 'unchanged';
  entities: number;
  relations: number;
}

const SEED_FILE = /\.(ya?ml|json)$/i;

export function seedFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => SEED_FILE.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Loads every seed file of `dir` that is new or changed since it was last loaded.
 * All files are validated before any is written, so one bad file loads nothing;
 * each file is then written in one transaction.
 */
export async function loadSeeds(store: LoadTarget, ontology: Ontology, dir: string): Promise<SeedOutcome[]> {
  // Sources citations may name, with their texts: the stored ones, then those of the files before (a file without text keeps the text known).
  const known = new Map((await store.listSources()).map((s): [string, string | null] => [s.id, s.text ?? null]));
  const kindsInRun = new Map<string, string>();
  const pending: Array<{ file: string; key: string; fingerprint: string; batch: GraphBatch }> = [];
  const outcomes: SeedOutcome[] = [];

  for (const path of seedFiles(dir)) {
    const file = basename(path);
    const text = readFileSync(path, 'utf8');
    // The ontology is part of the fingerprint: a new field or type reloads the seeds.
    const fingerprint = fingerprintText(ontology.sdl, text);
    const key = `seed:${file}`;
    const parsed = parseSeedText(file, text);
    const batch = await validateSeed(parsed, {
      ontology,
      existingSources: known,
      existingKinds: async (ids) => {
        const found = new Map<string, string>();
        const missing = ids.filter((id) => {
          const kind = kindsInRun.get(id);
          if (kind) found.set(id, kind);
          return !kind;
        });
        for (const e of await store.getEntities(missing)) found.set(e.id, e.kind);
        return found;
      },
    });
    const check = new Checker(parsed);
    await checkStored(store, key, batch, check);
    if (check.problems.length > 0) throw new InputError(check.problems);
    for (const e of batch.entities) kindsInRun.set(e.id, e.kind);
    for (const s of batch.sources) known.set(s.id, s.text ?? known.get(s.id) ?? null);
    if ((await store.loadedFingerprint(key)) === fingerprint) {
      outcomes.push({ file, status: 'unchanged', entities: batch.entities.length, relations: batch.relations.length });
    } else {
      pending.push({ file, key, fingerprint, batch });
    }
  }
  for (const p of pending) {
    const claims = p.batch.claims ?? [];
    const counts = {
      sources: p.batch.sources.length,
      entities: p.batch.entities.length,
      relations: p.batch.relations.length,
      ...(claims.length > 0 ? { claims: claims.length } : {}),
    };
    await loadFile(store, { file: p.file, key: p.key, fingerprint: p.fingerprint, counts, entityIds: p.batch.entities.map((e) => e.id) }, p.batch);
    outcomes.push({ file: p.file, status: 'loaded', entities: p.batch.entities.length, relations: p.batch.relations.length });
  }
  return outcomes.sort((a, b) => a.file.localeCompare(b.file));
}
