import type { ApolloServerPlugin } from '@apollo/server';
import { InvalidApiKeyError } from '../../auth/api-keys.js';
import { Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { hasRole, ROLE_RANK as RANK, rolesWith, type Role } from '../../auth/api-keys.js';
import type { RequestContext } from '../context.js';
import { forbidden, unauthenticated } from '../errors.js';

/**
 * Enforces `@requires(role:)` from the SDL before anything executes, so a request
 * without the role writes nothing. A key that is sent but unknown is refused on every
 * operation: a client with a broken key should hear about it, not be served silently.
 */

/** The highest role any field selected by `operation` (fragments followed) requires. */
export function roleRequired(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Role | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  let needed: Role | null = null;
  const seen = new Set<string>();
  const queue: Array<OperationDefinitionNode | FragmentDefinitionNode> = [operation];
  while (queue.length > 0) {
    const node = queue.pop()!;
    const typeInfo = new TypeInfo(schema);
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        Field() {
          const directive = typeInfo.getFieldDef()?.astNode?.directives?.find((d) => d.name.value === 'requires');
          const arg = directive?.arguments?.find((a) => a.name.value === 'role')?.value;
          if (arg?.kind === Kind.ENUM) {
            const role = arg.value as Role;
            if (!needed || RANK[role] > RANK[needed]) needed = role;
          }
        },
        FragmentSpread(spread) {
          const name = spread.name.value;
          const fragment = fragments.get(name);
          if (fragment && !seen.has(name)) {
            seen.add(name);
            queue.push(fragment);
          }
        },
      }),
    );
  }
  return needed;
}

export function requireRolePlugin(): ApolloServerPlugin<RequestContext> {
  // Apollo hands back the same parsed document for the same query text, so the walk
  // runs once per query text and operation rather than once per request.
  const known = new WeakMap<DocumentNode, Map<string, Role | null>>();
  const required = (schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Role | null => {
    let byOperation = known.get(document);
    if (!byOperation) known.set(document, (byOperation = new Map()));
    const key = operation.name?.value ?? '';
    if (!byOperation.has(key)) byOperation.set(key, roleRequired(schema, document, operation));
    return byOperation.get(key) ?? null;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, contextValue }) {
          const { auth } = contextValue;
          if (auth.kind === 'invalid') throw unauthenticated(new InvalidApiKeyError().message);
          const needed = operation ? required(schema, document, operation) : null;
          if (!needed) return;
          const role = needed.toLowerCase();
          if (auth.kind === 'anonymous') throw unauthenticated(`this operation needs an API key with the ${role} role; send Authorization: Bearer <key>`);
          if (!hasRole(auth.viewer, needed)) {
            const { name, role: has } = auth.viewer;
            const readOnly = has === 'READER' ? ', which may only read' : '';
            throw forbidden(
              `this operation needs the ${role} role; the key ${name} has the ${has.toLowerCase()} role${readOnly}. Send a key with the ${rolesWith(needed).join(' or ')} role`,
            );
          }
        },
      };
    },
  };
}
