/** Kept at this path for the contract suite, which imports it from here; the home is src/writes/sources/. */
export { deriveRelationId } from '../writes/sources/csv-edges.js';
