import { parseCrl } from '@makapix/pki';
import { renewCrlIfDue, resignCrl, type SignedCrl } from '@makapix/revocation';
import { defineJob } from '../registry.ts';

/**
 * docs/product.md §6 renew-crl (daily): re-sign the CRL when ≤7 days remain before its nextUpdate
 * (docs/device-protocol.md §2 step 7), or when a revocation is missing from it, and make sure CRL_FILE holds the
 * newest one (the broker reloads it without restart). `force` re-signs unconditionally. The signing
 * itself is shared with the api (@makapix/revocation), under one lock and one numbering.
 */
const summary = (crl: SignedCrl) => ({ renewed: true, crlNumber: crl.crlNumber, revoked: parseCrl(crl.pem).serials.length });

export const renewCrlJob = defineJob('renew-crl', async ({ force }, ctx) => {
  const deps = { db: ctx.db, pki: ctx.config.pki };
  if (force) {
    const crl = await resignCrl(deps);
    ctx.log.info({ crlNumber: crl.crlNumber }, 'CRL re-signed (forced)');
    return summary(crl);
  }
  const result = await renewCrlIfDue(deps);
  if (result.action === 'resigned') ctx.log.info({ crlNumber: result.crl.crlNumber }, 'CRL re-signed');
  return result.action === 'resigned' ? summary(result.crl) : { renewed: false, crlNumber: result.crlNumber };
});
