import type { JobDefinition } from '../registry.ts';
import { cleanupJob } from './cleanup.ts';
import { markStalePlayersOfflineJob } from './mark-stale-players-offline.ts';
import { notificationDigestJob } from './notification-digest.ts';
import { processArtworkJob } from './process-artwork.ts';
import { renewCrlJob } from './renew-crl.ts';
import { sendEmailJob } from './send-email.ts';
import { verifyVaultJob } from './verify-vault.ts';

/** Every job this worker handles (docs/product.md §6); buildRegistry checks the list is complete. */
export const ALL_JOBS: readonly JobDefinition[] = [
  processArtworkJob,
  sendEmailJob,
  markStalePlayersOfflineJob,
  cleanupJob,
  renewCrlJob,
  verifyVaultJob,
  notificationDigestJob,
];
