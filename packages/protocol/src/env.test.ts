import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { envBool, envList, envOptional, envPort, envUrl, parseEnv } from './env.ts';

describe('env helpers', () => {
  it('reads booleans strictly', () => {
    expect(envBool.parse('1')).toBe(true);
    expect(envBool.parse('false')).toBe(false);
    expect(envBool.safeParse('yes').success).toBe(false);
  });

  it('splits lists and drops blanks', () => {
    expect(envList.parse(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(envList.parse('')).toEqual([]);
  });

  it('bounds ports and treats empty optional values as unset', () => {
    expect(envPort().parse('8883')).toBe(8883);
    expect(envPort().safeParse('65536').success).toBe(false);
    expect(envOptional(envPort()).parse('')).toBeUndefined();
  });

  it('checks URL schemes with the given hint', () => {
    const smtp = envUrl(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL');
    expect(smtp.parse('smtps://mail.test')).toBe('smtps://mail.test');
    expect(smtp.safeParse('http://mail.test').error?.issues[0]?.message).toBe('must be an smtp:// or smtps:// URL');
  });

  it('fails listing every problem under the process name', () => {
    const schema = z.object({ A: envPort(), B: envBool });
    expect(() => parseEnv(schema, { A: 'x', B: 'maybe' }, 'demo')).toThrow(/^invalid demo configuration:\n {2}A: .+\n {2}B: .+$/);
    expect(parseEnv(schema, { A: '1', B: '0' }, 'demo')).toEqual({ A: 1, B: false });
  });
});
