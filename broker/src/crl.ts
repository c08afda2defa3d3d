import { readFile } from 'node:fs/promises';
import { parseCrl, verifyCrlSignedBy } from '@makapix/pki';
import type { Logger } from 'pino';

export interface LoadedCrl {
  pem: string;
  serials: ReadonlySet<string>;
  thisUpdate: Date;
  nextUpdate: Date | null;
  crlNumber: bigint | null;
}

/** Reads, verifies (signed by our CA) and parses a CRL file; throws on anything unusable. */
export async function loadCrlFile(file: string, caCertPem: string): Promise<LoadedCrl> {
  const pem = await readFile(file, 'utf8');
  if (!verifyCrlSignedBy(pem, caCertPem)) throw new Error(`${file}: CRL is not signed by the platform CA`);
  const parsed = parseCrl(pem);
  return { pem, serials: new Set(parsed.serials), thisUpdate: parsed.thisUpdate, nextUpdate: parsed.nextUpdate, crlNumber: parsed.crlNumber };
}

export interface CrlStoreOptions {
  file: string;
  caCertPem: string;
  pollMs: number;
  logger: Logger;
  /** Called with every newly accepted CRL (the TLS listener swaps its secure context). */
  onChange: (crl: LoadedCrl) => void;
}

/**
 * The current revocation list (docs/device-protocol.md §2.7): consulted by the TLS context and, by serial, at
 * CONNECT. The file is polled (at most every second) rather than fs.watch'ed, because writers replace
 * it by rename and a watch on the old inode would go silent. A CRL that fails to verify or parse is
 * refused and the previous one stays in force.
 */
export class CrlStore {
  private current: LoadedCrl;
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<boolean> | undefined;

  private constructor(
    private readonly options: CrlStoreOptions,
    initial: LoadedCrl,
  ) {
    this.current = initial;
  }

  /** Loads the file once (fail fast at start-up) and starts polling it. */
  static async open(options: CrlStoreOptions): Promise<CrlStore> {
    const store = new CrlStore(options, await loadCrlFile(options.file, options.caCertPem));
    store.warnIfStale();
    store.timer = setInterval(() => void store.reload(), options.pollMs);
    store.timer.unref();
    return store;
  }

  get crl(): LoadedCrl {
    return this.current;
  }

  isRevoked(serial: string): boolean {
    return this.current.serials.has(serial);
  }

  /** Re-reads the file now; true when a different CRL was accepted. Concurrent calls share one read. */
  reload(): Promise<boolean> {
    this.reloading ??= this.readIfChanged().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private async readIfChanged(): Promise<boolean> {
    const { file, caCertPem, logger } = this.options;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      logger.error({ err, file }, 'cannot read CRL file; keeping the previous CRL');
      return false;
    }
    if (text === this.current.pem) return false;
    let next: LoadedCrl;
    try {
      next = await loadCrlFile(file, caCertPem);
    } catch (err) {
      // A half-written file reads as garbage: the next poll sees the complete one.
      logger.warn({ err, file }, 'refusing new CRL; keeping the previous one');
      return false;
    }
    if (next.pem === this.current.pem) return false;
    this.current = next;
    logger.info({ file, revoked: next.serials.size, crlNumber: next.crlNumber?.toString() }, 'CRL reloaded');
    this.warnIfStale();
    this.options.onChange(next);
    return true;
  }

  private warnIfStale(): void {
    const { nextUpdate } = this.current;
    // OpenSSL refuses every client certificate once the CRL expires (renew-crl job, docs/device-protocol.md §2.7).
    if (nextUpdate && nextUpdate.getTime() <= Date.now()) {
      this.options.logger.error({ nextUpdate }, 'CRL has expired: TLS will refuse every device until it is re-signed');
    }
  }
}
