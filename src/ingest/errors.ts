/** Kept at this path for the contract suite, which imports it from here; the home is src/writes/. */
export { formatProblem, InputError, type InputProblem } from '../writes/errors.js';
