// ESLint (flat config): the recommended rules of ESLint and typescript-eslint, a few
// type-aware ones, and the project's habits (issue 13): no `any`, no unused names, type
// imports marked as such, no layer importing one above it (`layers` below), and no file under
// src/ over about 300 lines without a reason. A file that has one says so at its top:
//   /* eslint-disable max-lines -- <the reason> */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The composition root and the app's configuration (src/app.ts, src/server.ts, src/main.ts, src/config.ts). */
const ROOTS = ['app', 'server', 'main', 'config'];

/**
 * Relative paths the layer rules could not read: through a folder and back out of it
 * (`./../`, `cypher/../../writes`) or through `src/` from inside it. Refused everywhere.
 */
const UNREADABLE_PATHS = [
  {
    regex: '^\\./\\.\\.(?:/|$)|/(?!\\.\\.?/)[^/]+/\\.\\./|(?:^|/)src/',
    message: 'write the import as the shortest relative path (no `./..`, no folder and back out, not through src/), so the layering rules can read it.',
  },
];

/**
 * One no-restricted-imports rule per folder: no relative import of a folder above it, and
 * with `ownSettings`, none of the composition root either (the layer defines the settings
 * it takes, and src/config.ts maps the environment onto them), nor any `import()` (a
 * dynamic import would pass the rule unseen). Each rule repeats UNREADABLE_PATHS: the last
 * rule that matches a file is the one that holds.
 */
function layers(rules) {
  return Object.entries(rules).map(([files, { above, why, ownSettings = false }]) => ({
    files: [files],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...UNREADABLE_PATHS,
            { regex: `^(?:\\.\\./)+(?:${above.join('|')})/`, message: `${why}.` },
            ...(ownSettings ? [{ regex: `^(?:\\.\\./)+(?:${ROOTS.join('|')})\\.js$`, message: `${why}; it takes settings of its own types, which src/config.ts fills in.` }] : []),
          ],
        },
      ],
      ...(ownSettings ? { 'no-restricted-syntax': ['error', { selector: 'ImportExpression', message: `${why}: imports here are static, so the layering rule sees them.` }] } : {}),
    },
  }));
}

/** Every top-level folder of src/ above the bottom ones (errors, ontology, event-loop). */
const ALL_ABOVE = ['store', 'writes', 'journal', 'graphql', 'http', 'export', 'cli', 'network', 'budget', 'auth'];

export default defineConfig(
  {
    ignores: [
      'src/graphql/generated/**',
      'src/ontology/generated/**',
      'node_modules/**',
      'data/**',
      'test-artifacts/**',
      '.scratch/**',
      'test/neo4j-server/target/**',
      'dist/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Type-aware rules that catch real bugs and cost little: a promise nobody awaits, a
      // promise where a value or a boolean is expected, `await` on something not thenable.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  // Layering: data flows one way, HTTP -> GraphQL -> write rules -> store -> driver, and
  // nothing imports a layer above its own. Each entry names what a folder may not import.
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: UNREADABLE_PATHS }] },
  },
  ...layers({
    'src/errors/**/*.ts': { ownSettings: true, above: ALL_ABOVE, why: 'src/errors/ is the vocabulary every layer speaks, below all of them' },
    'src/ontology/**/*.ts': { ownSettings: true, above: ALL_ABOVE, why: 'src/ontology/ reads the SDL, which every layer derives from; it is below all of them' },
    'src/event-loop/**/*.ts': { ownSettings: true, above: ALL_ABOVE, why: 'src/event-loop/ is a utility below every layer' },
    'src/store/**/*.ts': {
      ownSettings: true,
      above: ['writes', 'journal', 'graphql', 'http', 'export', 'cli', 'network', 'budget', 'auth'],
      why: 'src/store/ is the bottom of the write path: it offers reads and a write transaction, and knows no write rule, journal, API or command',
    },
    'src/writes/**/*.ts': {
      ownSettings: true,
      above: ['journal', 'graphql', 'http', 'export', 'cli', 'network', 'budget', 'auth'],
      why: 'src/writes/ composes each write over the store; the journal plugs in through its WriteLog port',
    },
    'src/journal/**/*.ts': {
      ownSettings: true,
      above: ['graphql', 'http', 'export', 'cli', 'network', 'budget', 'auth'],
      why: 'src/journal/ records and replays writes; the API and the commands use it, not the other way round',
    },
    'src/graphql/**/*.ts': {
      above: ['http', 'cli', 'journal', 'store/(?:cypher|embedded|neo4j)'],
      why: 'GraphQL reads through the store port and writes through src/writes/graph.ts, below the HTTP transport; what both transports need lives in src/errors/ or below',
    },
    'src/http/**/*.ts': {
      above: ['graphql', 'cli', 'journal', 'store/(?:cypher|embedded|neo4j)'],
      why: 'the HTTP routes get GraphQL from the server that composes them, read through the store port, and share errors through src/errors/',
    },
  }),
  {
    files: ['src/**/*.ts'],
    ignores: ['src/graphql/generated/**'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Plain browser scripts served as they are (no bundler, no modules).
    files: ['src/http/explorer/*.js', 'src/http/network-view/*.js'],
    languageOptions: {
      sourceType: 'script',
      ecmaVersion: 2020,
      globals: { ...globals.browser, GraphiQL: 'readonly', React: 'readonly', ReactDOM: 'readonly', cytoscape: 'readonly' },
    },
  },
  {
    files: ['**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
);
