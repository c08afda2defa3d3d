import { readFile } from 'node:fs/promises';
import path from 'node:path';
import tls from 'node:tls';
import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { MailSinkClient } from './mail-client.ts';
import { extractLinks } from './smtp-sink.ts';

describe('devstack services are real', () => {
  it('PostgreSQL answers a query', async () => {
    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
    const { rows } = await client.query<{ v: string; sum: number }>('SELECT version() AS v, 40 + 2 AS sum');
    await client.end();
    expect(rows[0]?.v).toMatch(/^PostgreSQL \d+/);
    expect(rows[0]?.sum).toBe(42);
  });

  it('Redis round-trips a value and refuses eviction', async () => {
    const redis = new Redis(inject('redisUrl'));
    const key = `devstack-test:${Date.now()}`;
    await redis.set(key, 'pixel', 'EX', 30);
    expect(await redis.get(key)).toBe('pixel');
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    expect(policy[1]).toBe('noeviction');
    const aof = (await redis.config('GET', 'appendonly')) as string[];
    expect(aof[1]).toBe('no');
    await redis.del(key);
    redis.disconnect();
  });

  it('a mail sent with nodemailer is read back from the sink with its links', async () => {
    const to = `reader-${Date.now()}@example.test`;
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: inject('smtpPort'), secure: false, ignoreTLS: true });
    await transport.sendMail({
      from: 'Makapix Club <noreply@makapix.test>',
      to,
      subject: 'Verify your email',
      text: 'Open https://makapix.test/verify?token=abc&x=1 to verify.',
      html: '<p><a href="https://makapix.test/verify?token=abc&amp;x=1">Verify</a></p>',
    });
    const mails = new MailSinkClient(inject('mailApiUrl'));
    const mail = await mails.waitFor(to);
    expect(mail.subject).toBe('Verify your email');
    expect(mail.to).toEqual([to]);
    expect(mail.links).toEqual(['https://makapix.test/verify?token=abc&x=1']);
    expect(await mails.latest('nobody@example.test')).toBeNull();
  });

  it('the dev CA serves a broker certificate that verifies for localhost and 127.0.0.1', async () => {
    const dir = inject('caDir');
    const ca = await readFile(path.join(dir, 'ca.pem'), 'utf8');
    const cert = await readFile(path.join(dir, 'broker.pem'), 'utf8');
    const x509 = new (await import('node:crypto')).X509Certificate(cert);
    expect(x509.verify(new (await import('node:crypto')).X509Certificate(ca).publicKey)).toBe(true);
    expect(tls.checkServerIdentity('localhost', { subjectaltname: x509.subjectAltName, subject: {} } as tls.PeerCertificate)).toBeUndefined();
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(await readFile(path.join(dir, 'crl.pem'), 'utf8')).toContain('BEGIN X509 CRL');
  });
});

describe('extractLinks', () => {
  it('finds each URL once, decoding &amp; from HTML', () => {
    expect(extractLinks('go to https://a.test/x and http://b.test/y.', '<a href="https://a.test/x">x</a>')).toEqual([
      'https://a.test/x',
      'http://b.test/y',
    ]);
  });
});
