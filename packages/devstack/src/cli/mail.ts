import { MailSinkClient } from '../mail-client.ts';

// `npm run mail -- latest <address>` / `npm run mail -- list [address]` against the dev sink.
// Arguments only: the sink API URL defaults to the dev command's default port.
const [command = 'list', address, apiUrl = 'http://127.0.0.1:8025'] = process.argv.slice(2);
const client = new MailSinkClient(apiUrl);

if (command === 'latest' && address) {
  const mail = await client.latest(address);
  if (!mail) {
    console.error(`no mail for ${address}`);
    process.exit(1);
  }
  console.log(`From:    ${mail.from}\nTo:      ${mail.to.join(', ')}\nDate:    ${mail.receivedAt}\nSubject: ${mail.subject}\n\n${mail.text}`);
  if (mail.links.length) console.log(`Links:\n${mail.links.map((l) => `  ${l}`).join('\n')}`);
} else if (command === 'list') {
  for (const m of await client.list(address)) console.log(`${m.receivedAt}  ${m.to.join(',').padEnd(32)}  ${m.subject}`);
} else {
  console.error('usage: npm run mail -- latest <address> | list [address] [sink-api-url]');
  process.exit(2);
}
