import { startNeo4j } from './start.js';

/**
 * `npx tsx test/neo4j-server/cli.ts [--data DIR] [--port N]`: the tests' Neo4j, by hand, for
 * trying the Neo4j backend without installing Neo4j. Prints the variables to export, and
 * runs until Ctrl-C (or SIGTERM), which shuts Neo4j down cleanly.
 */
const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const port = option('--port');
const neo = await startNeo4j({ dataDir: option('--data'), port: port === undefined ? 0 : Number(port), password: process.env.NEO4J_PASSWORD || undefined });
console.log(`export NEO4J_URI=${neo.uri} NEO4J_USER=${neo.user} NEO4J_PASSWORD=${neo.password}`);
console.log(`data in ${neo.dataDir}; Ctrl-C stops Neo4j`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void neo.stop().then(() => process.exit(0));
  });
}
