// @ladybugdb/core lists optional per-platform packages that are not published (the core
// package bundles its own binary). `npm install` writes them into the lock file's entry
// for @ladybugdb/core without resolving them, and `npm ci` then refuses the lock as out of
// sync. This drops optional dependencies that have no package in the lock. Run it after
// `npm install` (`npm run lock:prune`); CI fails on `npm ci` if it was forgotten.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const present = new Set(Object.keys(lock.packages).map((k) => k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length)));
let pruned = 0;
for (const entry of Object.values(lock.packages)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    if (!present.has(name)) {
      delete entry.optionalDependencies[name];
      pruned += 1;
    }
  }
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`pruned ${pruned} unresolvable optional dependencies from package-lock.json`);
