import { GraphQLScalarType, Kind } from 'graphql';
import { isPartialDate, PARTIAL_DATE_FORMAT } from '../ontology/partial-date.js';
import { badInput } from './errors.js';

function parse(value: unknown): string {
  if (!isPartialDate(value)) throw badInput(`PartialDate must be ${PARTIAL_DATE_FORMAT}, got ${JSON.stringify(value)}`);
  return value;
}

export const PartialDate = new GraphQLScalarType<string, string>({
  name: 'PartialDate',
  description: 'An ISO 8601 date as precise as its source: YYYY, YYYY-MM or YYYY-MM-DD.',
  serialize: (value) => parse(value),
  parseValue: (value) => parse(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw badInput(`PartialDate must be a string (${PARTIAL_DATE_FORMAT})`);
    return parse(ast.value);
  },
});
