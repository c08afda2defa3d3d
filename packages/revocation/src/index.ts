// The platform's certificate revocation list, shared by the api (re-signs on every revocation) and
// the worker's renew-crl job, so both sign under the same lock with the same numbering.
export { loadCaMaterial, type PkiFiles } from './ca-files.ts';
export { CRL_NEXT_UPDATE_DAYS, CRL_RENEW_WHEN_DAYS_LEFT, renewCrlIfDue, resignCrl, writeFileAtomic, type CrlDeps, type CrlRenewal, type SignedCrl } from './crl-signing.ts';
export { countRevokedSerials, findLatestCrl, listRevokedSerials, lockCrlSigning, type Db } from './crl-repo.ts';
