/**
 * GraphQL Armor's validation rules, from their ES module builds. The packages declare
 * only a CommonJS entry point, which loads the CommonJS copy of graphql-js; rules from
 * that copy cannot read a schema built by the ES module copy Apollo Server uses.
 */
export { maxDepthRule } from '@escape.tech/graphql-armor-max-depth/dist/graphql-armor-max-depth.esm.js';
export { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases/dist/graphql-armor-max-aliases.esm.js';
export { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives/dist/graphql-armor-max-directives.esm.js';
