// What the vitest global setup hands to every test file through `inject()`.
declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of this run's cluster; each test file creates its own database (createTestDatabase). */
    databaseUrl: string;
    redisUrl: string;
    smtpPort: number;
    mailApiUrl: string;
    /** Directory holding ca.pem, ca-key.pem, broker.pem, broker-key.pem, crl.pem. */
    caDir: string;
    /** A scratch directory for this run (vaults, temp files). */
    scratchDir: string;
  }
}

export {};
