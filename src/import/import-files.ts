/** Kept at this path for the contract suite, which imports it from here; the home is src/writes/sources/. */
export { BATCH, checkImportPaths, ImportFileError, importFiles, MAX_PROBLEMS, type ImportOutcome } from '../writes/sources/import-files.js';
