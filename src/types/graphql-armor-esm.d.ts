// The ES module builds of GraphQL Armor's rules, imported by path (see graphql/armor-rules.ts),
// have the same API as the packages' main entry points.
declare module '@escape.tech/graphql-armor-max-depth/dist/graphql-armor-max-depth.esm.js' {
  export { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
}
declare module '@escape.tech/graphql-armor-max-aliases/dist/graphql-armor-max-aliases.esm.js' {
  export { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
}
declare module '@escape.tech/graphql-armor-max-directives/dist/graphql-armor-max-directives.esm.js' {
  export { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
}
