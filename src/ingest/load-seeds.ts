/** Kept at this path for the contract suite, which imports it from here; the home is src/writes/sources/. */
export { loadSeeds, seedFiles, type SeedOutcome } from '../writes/sources/seed-folder.js';
