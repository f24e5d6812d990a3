import { isAbsolute, join, resolve } from 'node:path';
import { projectRoot } from './paths.js';

/** Settings from the environment, validated once at start. */
export interface Neo4jSettings {
  uri: string;
  user: string;
  password: string | null;
  database: string | null;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  seedsDir: string;
  production: boolean;
  /** Set when NEO4J_URI selects the Neo4j backend; otherwise the embedded database is used. */
  neo4j: Neo4jSettings | null;
}

const NEO4J_SCHEMES = ['neo4j', 'neo4j+s', 'neo4j+ssc', 'bolt', 'bolt+s', 'bolt+ssc'];

function neo4jSettings(env: NodeJS.ProcessEnv): Neo4jSettings | null {
  const uri = env.NEO4J_URI;
  if (uri === undefined || uri === '') return null;
  const scheme = /^([a-z0-9+]+):\/\/[^/]+/i.exec(uri)?.[1]?.toLowerCase();
  if (!scheme || !NEO4J_SCHEMES.includes(scheme)) {
    throw new ConfigError(`NEO4J_URI must look like neo4j://host:7687 (schemes: ${NEO4J_SCHEMES.join(', ')}), got ${JSON.stringify(uri)}`);
  }
  return {
    uri,
    user: env.NEO4J_USER || 'neo4j',
    password: env.NEO4J_PASSWORD ? env.NEO4J_PASSWORD : null,
    database: env.NEO4J_DATABASE ? env.NEO4J_DATABASE : null,
  };
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const portText = env.PORT ?? '4000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, got ${JSON.stringify(portText)}`);
  }
  const dir = (name: string, fallback: string) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    return isAbsolute(value) ? value : resolve(value);
  };
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: dir('DATA_DIR', join(projectRoot, 'data')),
    seedsDir: dir('SEEDS_DIR', join(projectRoot, 'seeds')),
    production: env.NODE_ENV === 'production',
    neo4j: neo4jSettings(env),
  };
}
