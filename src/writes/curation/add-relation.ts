import { CurationError } from '../errors.js';
import type { Author, RelationRecord } from '../../store/records.js';
import type { WriteTransaction } from '../../store/write-transaction.js';
import { citationsHoldInTransaction } from '../stored-citations.js';
import type { Ontology } from '../../ontology/ontology.js';
import { sameFact } from '../fact-identity.js';
import { citeRelation } from './add-citation.js';
import { audited } from './audited.js';
import { resolveLive } from './live-entities.js';

/** What an `addRelation` without an id did when the fact was already there: which relation it cited, and how many citations it added. */
export interface Corroboration {
  relation: string;
  citationsAdded: number;
}

export interface AddRelationOptions {
  /**
   * The relation was given without an id (the one it carries was made up): a live relation
   * stating the same fact (src/writes/fact-identity.ts) takes its citations instead.
   */
  corroborate?: boolean;
}

/** The relation `addRelation` leaves: the new one, or with `corroborated`, the one already there. */
export type AddedRelation = RelationRecord & { corroborated?: Corroboration };

/**
 * Adds a relation under a new id; ends and refs merged away attach to their survivors.
 * With `corroborate` (the relation came without an id), a live relation stating the same
 * fact (src/writes/fact-identity.ts) takes its citations instead, with an ADD_CITATION entry,
 * and is returned with `corroborated`. Decided after the ends are locked, so of two
 * identical writes at once the second finds the first.
 */
export function addRelation(tx: WriteTransaction, relation: RelationRecord, by: Author, ontology: Ontology, options: AddRelationOptions = {}): Promise<AddedRelation> {
  return audited(tx, by, async () => {
    if (await tx.relation(relation.id)) throw new CurationError(`relation ${JSON.stringify(relation.id)} already exists`, 'id');
    await citationsHoldInTransaction(tx, relation.sources);
    const refIds = Object.values(relation.refs).filter((v): v is string => typeof v === 'string');
    const live = await resolveLive(tx, [relation.from, relation.to, ...refIds], 'from');
    const at = (id: string) => live.get(id) ?? id;
    const refs = Object.fromEntries(Object.entries(relation.refs).map(([k, v]) => [k, typeof v === 'string' ? at(v) : v]));
    const added: RelationRecord = { ...relation, from: at(relation.from), to: at(relation.to), refs };
    if (added.from === added.to) {
      throw new CurationError(`from and to are the same entity ${JSON.stringify(added.from)} (one was merged into the other); a relation cannot join an entity to itself`, 'to');
    }
    if (options.corroborate) {
      const [same] = (await tx.liveRelationsBetween(added.from, added.to, added.type)).filter((r) => sameFact(ontology, r, added)).sort((a, b) => a.id.localeCompare(b.id));
      if (same) {
        const { after, added: citations } = await citeRelation(tx, same, added.sources, { relation: 'id', citation: 'sources' });
        const value: AddedRelation = { ...after, corroborated: { relation: after.id, citationsAdded: citations.length } };
        return { value, change: { operation: 'ADD_CITATION', entityIds: [after.from, after.to], relationId: after.id, before: same, after } };
      }
    }
    if ((await tx.createRelations([added])) !== 1) throw new CurationError('an end of the relation does not exist', 'from');
    return { value: added, change: { operation: 'ADD_RELATION', entityIds: [added.from, added.to], relationId: added.id, before: null, after: added } };
  });
}
