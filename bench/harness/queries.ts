import type { GenerateResult } from '../generate.js';
import type { Sent } from './client.js';

/** One research question as the client sends it: a GraphQL POST or an export GET. */
export interface BenchQuery {
  name: string;
  request: Sent;
  /** Whether the answer is a GraphQL response (with `extensions.dbRoundTrips`). */
  graphql: boolean;
}

const GRAPHQL_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };

function gql(name: string, query: string, variables: Record<string, unknown>): BenchQuery {
  return { name, graphql: true, request: { method: 'POST', path: '/graphql', headers: GRAPHQL_HEADERS, body: JSON.stringify({ query, variables }) } };
}

const ENTITY = 'id name kind';
const EDGE = 'id type from { id } to { id }';

/** The research queries, over the hubs, leaf and distant pair the generator chose. */
export function researchQueries(graph: GenerateResult, searchText: string): BenchQuery[] {
  const { person, party } = graph.hubs;
  return [
    gql('entity by id', `query($id: ID!) { entity(id: $id) { ${ENTITY} aliases description } }`, { id: person }),
    gql('search', `query($text: String!) { search(text: $text) { score entity { ${ENTITY} } } }`, { text: searchText }),
    gql('relations(first: 50)', `{ relations(first: 50) { nodes { id type from { ${ENTITY} } to { ${ENTITY} } } pageInfo { hasNextPage endCursor } } }`, {}),
    gql('neighborhood d2 hub', `query($id: ID!) { neighborhood(id: $id, depth: 2) { nodes { ${ENTITY} } edges { ${EDGE} } } }`, { id: person }),
    gql('neighborhood d2 leaf', `query($id: ID!) { neighborhood(id: $id, depth: 2) { nodes { ${ENTITY} } edges { ${EDGE} } } }`, { id: graph.leaf }),
    gql('paths distant', `query($from: ID!, $to: ID!) { paths(from: $from, to: $to) { length nodes { ${ENTITY} } edges { id type } } }`, {
      from: graph.distant[0],
      to: graph.distant[1],
    }),
    { name: 'export gexf hub d1', graphql: false, request: { method: 'GET', path: `/export/graph.gexf?id=${encodeURIComponent(party)}&depth=1` } },
    gql(
      'network hub d1',
      `query($id: ID!) { network(id: $id, depth: 1) { communities nodes { entity { ${ENTITY} } metrics { degree betweenness pageRank community } } edges { ${EDGE} } } }`,
      { id: party },
    ),
  ];
}

/** The smallest GraphQL request, for the framework's own cost. */
export const TYPENAME: Sent = { method: 'POST', path: '/graphql', headers: GRAPHQL_HEADERS, body: JSON.stringify({ query: '{ __typename }' }) };
