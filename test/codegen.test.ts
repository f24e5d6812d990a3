import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../codegen.js';
import { projectRoot } from '../src/paths.js';

describe('generated types', () => {
  it('match a fresh run of codegen over schema/ (run `npm run codegen` if this fails)', async () => {
    const outputs = (await generate({ ...config, cwd: projectRoot, silent: true }, false)) as Array<{ filename: string; content: string }>;
    expect(outputs.length).toBeGreaterThan(0);
    for (const out of outputs) {
      const checkedIn = readFileSync(join(projectRoot, out.filename), 'utf8');
      expect(checkedIn, `${out.filename} is stale`).toBe(out.content);
    }
  });
});
