import { describe, expect, it } from 'vitest';
import { repeatedKey } from '../src/writes/sources/json-lines.js';

/** A key given twice in one JSON object is found (JSON.parse would keep the last unsaid); nothing else is. */
describe('repeatedKey', () => {
  it.each([
    ['{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}', null],
    ['{}', null],
    ['[]', null],
    ['{"s":"a,b","t":"}{","u":"\\"a\\":1"}', null],
    ['{"a":1,"a":2}', 'a'],
    ['{"x":{"k":"}{\\"","k":1}}', 'k'],
    ['{"a\\"b":1,"a\\u0022b":2}', 'a"b'],
    ['{ "e" : [ { } , { "q" : 1 ,\n "q":2 } ] }', 'q'],
  ])('in %s finds %s', (text, key) => {
    expect(repeatedKey(text)?.key ?? null).toBe(key);
  });

  it('names the line of the second occurrence', () => {
    expect(repeatedKey('{\n  "a": 1,\n  "b": 2,\n  "a": 3\n}')).toEqual({ key: 'a', lineInText: 4 });
  });

  it('walks nesting as deep as JSON.parse takes without overflowing the stack', () => {
    const deep = `${'['.repeat(200_000)}{"a":1,"a":2}${']'.repeat(200_000)}`;
    expect(() => JSON.parse(deep) as unknown).not.toThrow();
    expect(repeatedKey(deep)?.key).toBe('a');
  });
});
