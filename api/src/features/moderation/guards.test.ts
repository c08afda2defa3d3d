import { describe, expect, it } from 'vitest';
import { canActOnMember, isBanActive } from './guards.ts';

describe('canActOnMember', () => {
  it('lets moderators act on members only', () => {
    expect(canActOnMember('moderator', 'member')).toBe(true);
    expect(canActOnMember('moderator', 'moderator')).toBe(false);
    expect(canActOnMember('moderator', 'owner')).toBe(false);
  });

  it('lets the owner act on members and moderators, never on an owner', () => {
    expect(canActOnMember('owner', 'member')).toBe(true);
    expect(canActOnMember('owner', 'moderator')).toBe(true);
    expect(canActOnMember('owner', 'owner')).toBe(false);
  });

  it('never lets a plain member act', () => {
    expect(canActOnMember('member', 'member')).toBe(false);
  });
});

describe('isBanActive', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  it('is active only while banned_until lies in the future', () => {
    expect(isBanActive(null, now)).toBe(false);
    expect(isBanActive(new Date('2029-12-31T23:59:59Z'), now)).toBe(false);
    expect(isBanActive(now, now)).toBe(false);
    expect(isBanActive(new Date('2030-01-01T00:00:01Z'), now)).toBe(true);
  });
});
