import type { AttributeSpec, Ontology } from '../ontology/ontology.js';

/**
 * What the network view needs to know of the ontology, derived from it and sent in the
 * page (so the script lists no kind or field of its own): the kinds in SDL order (the
 * script gives each a color and shape by position), each entity type's own fields, and
 * the relation's stored fields and entity references, each with a label and a unit.
 */

export interface ViewField {
  name: string;
  /** Lower-case words from the field's name: `partiesRunning` -> `parties running`. */
  label: string;
  /** What follows a number, from `@unit`. */
  unit: string | null;
}

export interface NetworkViewConfig {
  endpoint: string;
  kinds: Array<{ kind: string; label: string }>;
  entityTypes: Array<{ typeName: string; fields: ViewField[] }>;
  relationFields: ViewField[];
  relationRefs: string[];
}

const words = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
const field = (a: AttributeSpec): ViewField => ({ name: a.name, label: words(a.name), unit: a.unit ?? null });

export function networkViewConfig(endpoint: string, ontology: Ontology): NetworkViewConfig {
  return {
    endpoint,
    kinds: ontology.entityTypes.map((t) => ({ kind: t.kind, label: t.typeName })),
    entityTypes: ontology.entityTypes.map((t) => ({ typeName: t.typeName, fields: t.attributes.map(field) })),
    relationFields: ontology.relationAttributes.map(field),
    relationRefs: [...ontology.relationRefs],
  };
}
