import { spawn, type ChildProcess } from 'node:child_process';
import { getFreePort, repoRoot } from '@makapix/devstack';

export interface StackPorts {
  http: number;
  api: number;
  web: number;
  postgres: number;
  redis: number;
  smtp: number;
  mailApi: number;
  mqtts: number;
  mqttInternal: number;
}

export async function freeStackPorts(): Promise<StackPorts> {
  const names = ['http', 'api', 'web', 'postgres', 'redis', 'smtp', 'mailApi', 'mqtts', 'mqttInternal'] as const;
  const ports = {} as StackPorts;
  for (const name of names) ports[name] = await getFreePort();
  return ports;
}

/**
 * The README's run command as a child process (what `npm start` execs after setup), on free ports
 * and a private data directory, so the end-to-end test never touches a developer's running stack.
 */
export class RunningStack {
  private output = '';
  private exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (b: Buffer) => (this.output += b.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static start(dataDir: string, ports: StackPorts, extraEnv: Record<string, string> = {}): RunningStack {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      MAKAPIX_DATA_DIR: dataDir,
      MAKAPIX_HTTP_PORT: String(ports.http),
      MAKAPIX_API_PORT: String(ports.api),
      MAKAPIX_WEB_PORT: String(ports.web),
      MAKAPIX_PG_PORT: String(ports.postgres),
      MAKAPIX_REDIS_PORT: String(ports.redis),
      MAKAPIX_SMTP_PORT: String(ports.smtp),
      MAKAPIX_MAIL_API_PORT: String(ports.mailApi),
      MAKAPIX_MQTTS_PORT: String(ports.mqtts),
      MAKAPIX_MQTT_INTERNAL_PORT: String(ports.mqttInternal),
      // Set, these would point the run command at external services; empty means embedded.
      DATABASE_URL: '',
      REDIS_URL: '',
      SMTP_URL: '',
      ...extraEnv,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/devstack/src/dev/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new RunningStack(child);
  }

  get log(): string {
    return this.output;
  }

  /** Resolves when `text` appears in the output; rejects if the stack exits or the time runs out. */
  async waitFor(text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (this.child.exitCode !== null) throw new Error(`stack exited (${this.child.exitCode}) before "${text}":\n${this.output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${this.output.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Ctrl-C, as a person would press it; resolves to the exit code. */
  async interrupt(timeoutMs = 60_000): Promise<number | null> {
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
