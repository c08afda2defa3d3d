import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { TOPIC_ROOT } from '@makapix/protocol';

const run = promisify(execFile);

export interface MosquittoSetup {
  dir: string;
  mtlsPort: number;
  servicePort: number;
  tls: { caFile: string; certFile: string; keyFile: string; crlFile: string };
  service: { username: string; password: string };
  maxPacketBytes: number;
}

/**
 * The reference broker with the same TLS material and device policy as ours: the mTLS listener
 * requires a client certificate from the platform CA (checked against the same CRL), takes the
 * certificate CN as the username (`use_identity_as_username`, docs/device-protocol.md §1), speaks TLS 1.2 only;
 * the ACL grants each player the docs/device-protocol.md §4 directions on its own subtree through `%u` patterns.
 * A second, loopback-only listener takes the service account by password, like our internal listener.
 */
export function mosquittoConf(s: MosquittoSetup): string {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return [
    'per_listener_settings false',
    'allow_anonymous false',
    `password_file ${path.join(s.dir, 'passwd')}`,
    `acl_file ${path.join(s.dir, 'acl')}`,
    'persistence false',
    // Our broker disables Nagle on every socket; without this Mosquitto holds small packets behind
    // delayed ACKs (~40 ms on loopback), which would measure TCP, not the broker.
    'set_tcp_nodelay true',
    `max_packet_size ${s.maxPacketBytes}`,
    `log_dest file ${path.join(s.dir, 'mosquitto.log')}`,
    // Mosquitto drops root privileges to the `mosquitto` user, which cannot read the run directory.
    ...(asRoot ? ['user root'] : []),
    '',
    `listener ${s.mtlsPort} 127.0.0.1`,
    `cafile ${s.tls.caFile}`,
    `certfile ${s.tls.certFile}`,
    `keyfile ${s.tls.keyFile}`,
    `crlfile ${s.tls.crlFile}`,
    'require_certificate true',
    'use_identity_as_username true',
    'tls_version tlsv1.2',
    '',
    `listener ${s.servicePort} 127.0.0.1`,
    '',
  ].join('\n');
}

/** docs/device-protocol.md §4 as Mosquitto ACL rules (`read` = subscribe/receive, `write` = publish). */
export function mosquittoAcl(serviceUsername: string): string {
  const own = `${TOPIC_ROOT}/%u`;
  return [
    `user ${serviceUsername}`,
    `topic readwrite ${TOPIC_ROOT}/#`,
    '',
    `pattern read ${own}/command`,
    `pattern read ${own}/response/#`,
    `pattern read ${own}/view/ack`,
    `pattern write ${own}/request/+`,
    `pattern write ${own}/command/ack`,
    `pattern write ${own}/status`,
    `pattern write ${own}/view`,
    `pattern write ${own}/capabilities`,
    `pattern write ${own}/state`,
    '',
  ].join('\n');
}

/** Writes mosquitto.conf, the ACL and the (hashed) password file; returns the config path. */
export async function writeMosquittoFiles(s: MosquittoSetup): Promise<string> {
  const confFile = path.join(s.dir, 'mosquitto.conf');
  await writeFile(confFile, mosquittoConf(s));
  await writeFile(path.join(s.dir, 'acl'), mosquittoAcl(s.service.username));
  const passwd = path.join(s.dir, 'passwd');
  await writeFile(passwd, '', { mode: 0o600 });
  await run('mosquitto_passwd', ['-b', passwd, s.service.username, s.service.password], { timeout: 10_000 });
  return confFile;
}
