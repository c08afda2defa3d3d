import { parseArgs } from 'node:util';
import { ensureCaFiles } from '../ca-files.ts';

/**
 * `tsx packages/pki/src/cli/ca-init.ts --dir <dir> --sans <host,ip,…>`: the docker-compose `ca-init`
 * one-shot. Creates the platform CA, the broker certificate and an empty CRL in `dir` when they are
 * missing and keeps whatever is there, so it runs before every start of the stack. Arguments only
 * (compose fills them from .env), like the other CLIs: no process configuration to parse.
 */
const USAGE = 'usage: ca-init --dir <directory> [--sans <host,ip,…>] [--common-name <CA name>]';

function parse() {
  try {
    const { values } = parseArgs({
      options: {
        dir: { type: 'string' },
        sans: { type: 'string', default: '' },
        'common-name': { type: 'string', default: 'Makapix Club CA' },
      },
      strict: true,
    });
    if (!values.dir) throw new Error('--dir is required');
    return {
      dir: values.dir,
      sans: values.sans.split(',').map((s) => s.trim()).filter(Boolean),
      commonName: values['common-name'],
    };
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(2);
  }
}

const args = parse();
try {
  const { files, created } = await ensureCaFiles(args);
  const report = (what: string, made: boolean, file: string) => console.log(`ca-init: ${what} ${made ? 'created' : 'kept'} (${file})`);
  report('CA', created.ca, files.caCert);
  report('broker certificate', created.brokerCert, files.brokerCert);
  report('CRL', created.crl, files.crl);
} catch (err) {
  console.error(`ca-init: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
