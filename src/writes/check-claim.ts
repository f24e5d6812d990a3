import { loadOntology } from '../ontology/ontology.js';
import type { ClaimRecord, RelationRecord } from '../store/records.js';
import { CLAIM_QUOTE_MISMATCH, quoteInCitedPassages, splitText, type Paragraph } from '../ontology/source-text.js';
import type { CitationRecord } from '../store/records.js';
import { type Checker, ID_PATTERN, isObject, type KnownSources, LIMITS, type Path } from './checker.js';
import type { KindLookup, RecordContext } from './validate.js';

/**
 * The checks of a claim as written (a mutation's input, or a seed or import file's
 * `claims:` entry), from the SDL's `Claim`: what the write validator does for claims.
 */

const claimSpec = (name: string) => {
  const spec = loadOntology().claimFields.find((f) => f.name === name);
  if (!spec) throw new Error(`ontology: Claim.${name} is missing`);
  return spec;
};

/** A claim's quote against the texts its cited sources have (src/ontology/source-text.ts). */
function quoteInCitations(check: Checker, quote: string, citations: readonly CitationRecord[], sources: KnownSources, path: Path): void {
  const split = new Map<string, Paragraph[] | null>();
  const paragraphsOf = (id: string) => {
    if (!split.has(id)) {
      const text = sources.get(id);
      split.set(id, typeof text === 'string' ? splitText(text) : null);
    }
    return split.get(id) ?? null;
  };
  if (quoteInCitedPassages(quote, citations, paragraphsOf) === false) check.fail([...path, 'quote'], CLAIM_QUOTE_MISMATCH);
}

/** What a claim may refer to, beyond the record itself. */
export interface ClaimContext extends RecordContext {
  /** Kind of an entity the claim names; without it, entities are looked up by the write (curation). */
  kindOf?: (id: string) => string | undefined;
  /** Relations a claim of this file may assert; without it, the write checks them (curation). */
  relation?: (id: string) => RelationRecord | undefined;
  /** Claims of this file a claim may dispute; without it, the write checks them (curation). */
  claimExists?: (id: string) => boolean;
}

/**
 * A claim: who said what about whom, with its citations. Lengths, counts and the stance's
 * values come from the SDL's `Claim`. In a seed or import file (with `kindOf`, `relation`
 * and `claimExists`) what it names must be in the file or stored; a mutation's claim is
 * checked against the graph by its write rule (src/writes/curation/add-claim.ts).
 */
export function checkClaim(check: Checker, raw: unknown, path: Path, ctx: ClaimContext): ClaimRecord | null {
  const { ontology } = ctx;
  if (!isObject(raw)) {
    check.fail(path, 'expected a mapping');
    return null;
  }
  check.unknownKeys(raw, new Set(ontology.claimFields.map((f) => f.name)), path, 'a claim');
  const id = check.id(raw, 'id', path);
  const speakerId = check.id(raw, 'speaker', path);
  let speaker = speakerId;
  if (speakerId !== null && ctx.kindOf && !ctx.kindOf(speakerId)) {
    check.fail([...path, 'speaker'], `refers to entity ${JSON.stringify(speakerId)}, which does not exist`);
    speaker = null;
  }
  const idList = (key: string, required: boolean): string[] | null => {
    const value = raw[key];
    const max = ontology.limits.count(`Claim.${key}`).max;
    if (value === undefined || value === null) {
      if (required) check.fail([...path, key], 'expected a list of at least one id');
      return required ? null : [];
    }
    if (!Array.isArray(value) || (required && value.length === 0)) {
      check.fail([...path, key], required ? 'expected a list of at least one id' : 'expected a list of ids');
      return null;
    }
    if (value.length > max) {
      check.fail([...path, key], `has more than ${max} ids`);
      return null;
    }
    const out: string[] = [];
    value.forEach((v: unknown, i) => {
      if (typeof v !== 'string' || !ID_PATTERN.test(v) || v.length > LIMITS.idLength) {
        check.fail([...path, key, i], 'expected an id of letters, digits and . _ : - (starting with a letter or digit)');
        return;
      }
      out.push(v);
    });
    return out.length === value.length ? [...new Set(out)] : null;
  };
  const aboutIds = idList('about', true);
  const about = aboutIds?.filter((a, i) => {
    if (ctx.kindOf && !ctx.kindOf(a)) {
      check.fail([...path, 'about', i], `refers to entity ${JSON.stringify(a)}, which does not exist`);
      return false;
    }
    return true;
  });
  const date = check.attribute(claimSpec('date'), raw.date, path);
  const quote = check.string(raw, 'quote', path, { required: true, max: ontology.limits.length('Claim.quote').max });
  const summary = check.string(raw, 'summary', path, { max: ontology.limits.length('Claim.summary').max });
  const stance = check.attribute(claimSpec('stance'), raw.stance, path);
  const asserts = idList('asserts', false);
  const disputes = idList('disputes', false);
  const sources = check.citations(raw.sources, path, ctx.defaultSource, ctx.knownSources, ontology.limits.count('Claim.sources').max);
  if (quote !== null) quoteInCitations(check, quote, sources, ctx.knownSources, path);
  if (id !== null && disputes?.includes(id)) check.fail([...path, 'disputes'], `a claim cannot dispute itself (${JSON.stringify(id)})`);
  if (speaker !== null && asserts && ctx.relation) {
    asserts.forEach((r, i) => {
      const relation = ctx.relation!(r);
      if (!relation) return check.fail([...path, 'asserts', i], `refers to relation ${JSON.stringify(r)}, which is not in this file`);
      const basis = relation.attributes.basis;
      if (basis !== undefined && basis !== null && basis !== 'CLAIMED')
        check.fail([...path, 'asserts', i], `relation ${JSON.stringify(r)} has basis ${String(basis)}; a claim asserts only relations of basis CLAIMED`);
      else if (relation.refs.claimedBy !== speaker) check.fail([...path, 'asserts', i], `relation ${JSON.stringify(r)} is not claimedBy the speaker ${JSON.stringify(speaker)}`);
    });
  }
  if (disputes && ctx.claimExists) {
    disputes.forEach((c, i) => {
      if (!ctx.claimExists!(c)) check.fail([...path, 'disputes', i], `refers to claim ${JSON.stringify(c)}, which is not in this file`);
    });
  }
  if (id === null || speaker === null || !about || about.length !== aboutIds?.length || quote === null || !asserts || !disputes) return null;
  return {
    id,
    speaker,
    date: typeof date === 'string' ? date : null,
    about,
    quote,
    summary,
    stance: typeof stance === 'string' ? stance : null,
    asserts,
    disputes,
    sources,
    addedBy: null,
  };
}

/**
 * A file's `claims:` list: each claim checked (its speaker and subjects entities of the file
 * or stored, what it asserts relations of the file, what it disputes claims of the file),
 * ids once, and each relation asserted by one claim at most.
 */
export async function checkClaims(
  check: Checker,
  rawClaims: readonly unknown[],
  ctx: RecordContext & { relations: readonly RelationRecord[]; kindOf: (id: string) => string | undefined; existingKinds: KindLookup },
): Promise<ClaimRecord[]> {
  const claimed = new Set<string>();
  for (const raw of rawClaims) if (isObject(raw) && typeof raw.speaker === 'string') claimed.add(raw.speaker);
  for (const raw of rawClaims) if (isObject(raw) && Array.isArray(raw.about)) for (const a of raw.about) if (typeof a === 'string') claimed.add(a);
  const unknown = [...claimed].filter((id) => !ctx.kindOf(id));
  const storedForClaims = unknown.length > 0 ? await ctx.existingKinds(unknown) : new Map<string, string>();
  const byRelation = new Map(ctx.relations.map((r) => [r.id, r]));
  const claimIds = new Set(rawClaims.flatMap((raw) => (isObject(raw) && typeof raw.id === 'string' ? [raw.id] : [])));
  const claimCtx: ClaimContext = {
    ontology: ctx.ontology,
    defaultSource: ctx.defaultSource,
    knownSources: ctx.knownSources,
    kindOf: (id) => ctx.kindOf(id) ?? storedForClaims.get(id),
    relation: (id) => byRelation.get(id),
    claimExists: (id) => claimIds.has(id),
  };
  const claims: ClaimRecord[] = [];
  const seenClaims = new Set<string>();
  const assertedBy = new Map<string, string>();
  rawClaims.forEach((raw, i) => {
    const path: Path = ['claims', i];
    const claim = checkClaim(check, raw, path, claimCtx);
    if (!claim) return;
    if (seenClaims.has(claim.id)) return check.fail([...path, 'id'], 'duplicates the id of an earlier claim');
    seenClaims.add(claim.id);
    for (const r of claim.asserts) {
      const other = assertedBy.get(r);
      if (other) return check.fail([...path, 'asserts'], `relation ${JSON.stringify(r)} is already asserted by claim ${JSON.stringify(other)}`);
      assertedBy.set(r, claim.id);
    }
    claims.push(claim);
  });

  return claims;
}
