import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

// Coercion errors carry no code of their own: Apollo Server then reports a bad variable
// as BAD_USER_INPUT with status 400, and a bad literal as a validation error.
const invalid = (message: string) => new GraphQLError(message);
import { isPartialDate, PARTIAL_DATE_FORMAT } from '../ontology/partial-date.js';

function parse(value: unknown): string {
  if (!isPartialDate(value)) throw invalid(`PartialDate must be ${PARTIAL_DATE_FORMAT}, got ${JSON.stringify(value)}`);
  return value;
}

export const PartialDate = new GraphQLScalarType<string, string>({
  name: 'PartialDate',
  description: 'An ISO 8601 date as precise as its source: YYYY, YYYY-MM or YYYY-MM-DD.',
  serialize: (value) => parse(value),
  parseValue: (value) => parse(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalid(`PartialDate must be a string (${PARTIAL_DATE_FORMAT})`);
    return parse(ast.value);
  },
});

/** Output-only: audit entries' before and after states, as stored. */
export const JsonScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'A JSON value.',
  serialize: (value) => value,
  parseValue: () => {
    throw invalid('JSON values are only returned, never accepted');
  },
  parseLiteral: () => {
    throw invalid('JSON values are only returned, never accepted');
  },
});
