import { runCli } from './cli/run.js';

/** The command line (src/cli/run.ts): `serve` (default), `seed`, `import file...`, `export --format F ...`, `backup FILE`, `restore FILE`. */
const code = await runCli(process.argv.slice(2));
// A failed command may leave handles open (a driver, a half-opened store): exit now. A
// finished one ends when its work does; `serve` keeps running until a signal.
if (code !== 0) process.exit(code);
