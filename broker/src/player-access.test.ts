import { describe, expect, it } from 'vitest';
import { decideAccess, type PlayerAccessRow } from './player-access.ts';

const eligible: PlayerAccessRow = {
  playerDeleted: false,
  ownerId: 7,
  ownerFound: true,
  ownerBanned: false,
  ownerDeleted: false,
  ownerDeactivated: false,
  serialRevoked: false,
  certSerial: '4a5b',
  pendingCertSerial: null,
};

describe('decideAccess (docs/device-protocol.md §1)', () => {
  it('allows an eligible player presenting its current or pending certificate', () => {
    expect(decideAccess(eligible, '4a5b')).toEqual({ allowed: true });
    expect(decideAccess({ ...eligible, certSerial: '01', pendingCertSerial: '4A5B' }, '4a5b')).toEqual({ allowed: true });
  });

  it.each([
    ['player_not_found', undefined],
    ['player_deleted', { ...eligible, playerDeleted: true }],
    ['certificate_revoked', { ...eligible, serialRevoked: true }],
    ['no_owner', { ...eligible, ownerId: null, ownerFound: false }],
    ['no_owner', { ...eligible, ownerFound: false }],
    ['owner_deleted', { ...eligible, ownerDeleted: true }],
    ['owner_deactivated', { ...eligible, ownerDeactivated: true }],
    ['owner_banned', { ...eligible, ownerBanned: true }],
    ['unknown_certificate', { ...eligible, certSerial: '01' }],
    ['unknown_certificate', { ...eligible, certSerial: null, pendingCertSerial: 'not hex' }],
  ] as const)('denies with %s', (reason, row) => {
    expect(decideAccess(row, '4a5b')).toEqual({ allowed: false, reason });
  });
});
