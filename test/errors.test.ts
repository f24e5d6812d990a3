import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CostBudgetExceededError, DeadlineExceededError, RequestAbandonedError, ServerBusyError } from '../src/budget/errors.js';
import { EXIT_CODE, reportFailure } from '../src/cli/report-error.js';
import { ConfigError } from '../src/config.js';
import { domainErrorOf, ErrorCode } from '../src/errors/domain-error.js';
import { UnknownEntityError } from '../src/export/index.js';
import { SelectionParamError } from '../src/export/selection-params.js';
import { formatDomainError } from '../src/graphql/error-mapper.js';
import { HTTP_STATUS, httpHeadersOf } from '../src/errors/http-status.js';
import { BodyTooLargeError } from '../src/http/read-body.js';
import { InputError } from '../src/writes/errors.js';
import { AnswerTooLargeError, StoreOpenError, StoreUnavailableError } from '../src/store/errors.js';
import { CurationError, NotOwnerError } from '../src/writes/errors.js';

/** The error vocabulary and its three mappers, without a server or a process. */
describe('one error vocabulary', () => {
  it('gives every error its code and, where there is one, the field at fault', () => {
    const cases = [
      [new InputError([{ file: 'input', line: null, field: 'name', message: 'must not be empty' }]), ErrorCode.BAD_USER_INPUT, 'name'],
      [new CurationError('no entity "x"', 'from'), ErrorCode.BAD_USER_INPUT, 'from'],
      [new NotOwnerError('added by alice'), ErrorCode.FORBIDDEN, 'id'],
      [new SelectionParamError('depth', 'depth must be between 1 and 3'), ErrorCode.BAD_USER_INPUT, 'depth'],
      [new UnknownEntityError('id: no entity "x"'), ErrorCode.NOT_FOUND, 'id'],
      [new AnswerTooLargeError('relations', 10), ErrorCode.BAD_USER_INPUT, undefined],
      [new BodyTooLargeError(10), ErrorCode.PAYLOAD_TOO_LARGE, undefined],
      [new ServerBusyError('busy', 3), ErrorCode.SERVER_BUSY, undefined],
      [new StoreUnavailableError(), ErrorCode.SERVICE_UNAVAILABLE, undefined],
      [new ConfigError('PORT must be a whole number'), ErrorCode.CONFIG_INVALID, undefined],
    ] as const;
    for (const [err, code, field] of cases) expect([err.name, err.code, err.field]).toEqual([err.constructor.name, code, field]);
  });

  it('finds the domain error behind GraphQL wrappers', () => {
    const cause = new ServerBusyError('busy', 3);
    expect(domainErrorOf(new GraphQLError('wrapped', { originalError: cause }))).toBe(cause);
    expect(domainErrorOf(new Error('plain'))).toBeNull();
  });

  it('maps codes to HTTP statuses, with Retry-After for refusals', () => {
    expect(HTTP_STATUS[new ServerBusyError('busy', 3).code]).toBe(503);
    expect(HTTP_STATUS[new DeadlineExceededError('late', 1).code]).toBe(503);
    expect(HTTP_STATUS[new CostBudgetExceededError('spent', 7).code]).toBe(429);
    expect(HTTP_STATUS[new NotOwnerError('no').code]).toBe(403);
    expect(HTTP_STATUS[new UnknownEntityError('no').code]).toBe(404);
    expect(HTTP_STATUS[new BodyTooLargeError(1).code]).toBe(413);
    expect(httpHeadersOf(new CostBudgetExceededError('spent', 7))).toEqual({ 'retry-after': '7' });
    expect(httpHeadersOf(new StoreUnavailableError())).toEqual({ 'retry-after': '5' });
    // Every 503 says when to ask again, a database still opening too.
    expect(httpHeadersOf(new StoreOpenError('the database is opening'))).toEqual({ 'retry-after': '5' });
  });

  it('shows GraphQL clients the code, the argument and every problem of an input; masks what is not theirs', () => {
    const invalid = new InputError([
      { file: 'input', line: null, field: 'name', message: 'must not be empty' },
      { file: 'input', line: null, field: 'kind', message: 'unknown' },
    ]);
    expect(formatDomainError(invalid, { path: ['upsertEntity'] })).toEqual({
      message: 'name: must not be empty; kind: unknown',
      path: ['upsertEntity'],
      extensions: {
        code: 'BAD_USER_INPUT',
        argument: 'name',
        problems: [
          { field: 'name', message: 'must not be empty' },
          { field: 'kind', message: 'unknown' },
        ],
      },
    });
    expect(formatDomainError(new ServerBusyError('busy', 3), {})).toEqual({ message: 'busy', extensions: { code: 'SERVER_BUSY', retryAfter: 3 } });
    expect(formatDomainError(new RequestAbandonedError(), {})).toEqual({ message: 'Request abandoned', extensions: { code: 'CLIENT_CLOSED_REQUEST' } });
    expect(formatDomainError(new StoreOpenError('cannot open'), {})).toBeNull();
  });

  it('tells the CLI what to print and that every failure exits 1', () => {
    expect(Object.values(EXIT_CODE).every((code) => code === 1)).toBe(true);
    expect(reportFailure(new ConfigError('PORT must be a whole number'))).toEqual({ message: 'PORT must be a whole number', exitCode: 1 });
    expect(reportFailure(new StoreOpenError('could not set lock', true, '/data')).message).toBe(
      'the embedded database in DATA_DIR=/data is in use by another process (a running server?); stop it, or use another DATA_DIR',
    );
    expect(reportFailure(new Error('boom\nstack'))).toEqual({ message: 'failed: boom', exitCode: 1 });
  });
});
