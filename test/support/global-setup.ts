import type { TestProject } from 'vitest/node';
import { startNeo4j, whyNoNeo4j, type Neo4jProcess } from '../neo4j-server/start.js';
import { TEST_WORKERS } from './workers.js';

export interface ProvidedNeo4j {
  uri: string;
  user: string;
  password: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** One real Neo4j per test worker (Community has one database), or none. */
    neo4jServers: ProvidedNeo4j[];
    /** Why the Neo4j contract run is skipped, or null when it runs. */
    neo4jSkipped: string | null;
  }
}

/**
 * Starts the real Neo4j of `test/neo4j-server` for the contract suite, one per worker, unless
 * NEO4J_URI names the user's own server (then the files take turns on it). CI requires the
 * Neo4j run: there a missing java or mvn fails the run instead of skipping it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.NEO4J_URI) {
    project.provide('neo4jServers', []);
    project.provide('neo4jSkipped', null);
    return async () => undefined;
  }
  const why = whyNoNeo4j();
  if (why) {
    if (process.env.CI) throw new Error(`the Neo4j contract run cannot start on CI: ${why}`);
    console.log(`Neo4j contract run skipped: ${why} and NEO4J_URI is not set (see README, "Neo4j").`);
    project.provide('neo4jServers', []);
    project.provide('neo4jSkipped', why);
    return async () => undefined;
  }
  const started: Neo4jProcess[] = [];
  const starts = await Promise.allSettled(Array.from({ length: TEST_WORKERS }, () => startNeo4j()));
  for (const s of starts) if (s.status === 'fulfilled') started.push(s.value);
  const failed = starts.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => s.stop()));
    throw failed.reason;
  }
  project.provide(
    'neo4jServers',
    started.map(({ uri, user, password }) => ({ uri, user, password })),
  );
  project.provide('neo4jSkipped', null);
  return async () => {
    await Promise.all(started.map((s) => s.stop()));
  };
}
