import { isAbsolute, join, resolve } from 'node:path';
import { projectRoot } from './paths.js';

/** Settings from the environment, validated once at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  seedsDir: string;
  production: boolean;
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
  };
}
