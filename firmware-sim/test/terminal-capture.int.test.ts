import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { repoRoot } from '@makapix/devstack';
import { LocalVaultStore, aliasPath, writeArtworkFiles } from '@makapix/vault';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMember } from '../../api/test/fixtures/accounts.ts';
import { insertArtwork } from '../../api/test/fixtures/device-plane.ts';
import { decodeArtwork } from '../src/display/frames.ts';
import { parseHalfBlocks } from '../src/display/half-blocks.ts';
import { panelPicture } from '../src/display/pixels.ts';
import { Screen } from '../src/display/screen.ts';
import { DeviceHttp } from '../src/http.ts';
import { ownerSession } from '../src/owner-session.ts';
import { Playback } from '../src/playback.ts';
import { Player } from '../src/player.ts';
import { provisionByCode } from '../src/provisioning.ts';
import { slimeGif } from './sprite.ts';
import { startSimStack, type SimStack } from './stack.ts';

// The README's terminal capture, taken from a real simulated player: provisioned by code, told by
// the owner API to play a channel, it derives the vault path itself, downloads the GIF from a vault
// laid out by @makapix/vault, and draws it in half blocks; the capture is written to docs/images.
let stack: SimStack;
let vault: http.Server;
const requested: string[] = [];

describe('a simulated player on screen', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    stack = await startSimStack();
  });
  afterAll(async () => {
    vault?.close();
    await stack?.close();
  });

  it('draws the channel artwork it downloaded from its own derived vault path, and writes the capture', async () => {
    const vaultDir = await mkdtemp(path.join(inject('scratchDir'), 'sim-vault-'));
    vault = http.createServer((req, res) => {
      requested.push(req.url ?? '');
      const rel = (req.url ?? '').replace(/^\/vault\//, '');
      readFile(path.join(vaultDir, rel)).then((b) => res.end(b), () => ((res.statusCode = 404), res.end()));
    });
    await new Promise<void>((r) => vault.listen(0, '127.0.0.1', r));
    const vaultBase = `http://127.0.0.1:${(vault.address() as { port: number }).port}/vault`;

    const owner = await createMember(stack.t);
    const artist = await createMember(stack.t);
    const gif = await slimeGif();
    const art = await insertArtwork(stack.t, artist.id, { hashtags: ['slime'], nativeFormat: 'gif', width: 16, height: 16, frameCount: 2 });
    await writeArtworkFiles(new LocalVaultStore(vaultDir), art.storageKey, [{ ext: 'gif', bytes: gif }]);

    const session = await ownerSession(stack.apiBaseUrl, owner.email, owner.password, '10.201.0.1');
    const device = new DeviceHttp(stack.apiBaseUrl, { forwardedFor: '10.201.0.2' });
    const creds = await provisionByCode(device, { register: session.register, name: 'Desk p3a', pollMs: 100 });
    const player = new Player(creds, { http: device });
    const playback = new Playback(player, { vaultBaseUrl: vaultBase, channel: { channel: 'hashtag', hashtag: 'nothing-yet' } });
    const screen = new Screen(player, playback);
    try {
      expect(await player.start()).toBe(true);
      playback.start();
      const drawn = new Promise<void>((resolve) => playback.once('show', () => setTimeout(resolve, 300)));
      expect((await session.sendCommand(player.key, 'play_channel', { channelName: 'hashtag', hashtag: 'slime' })).status).toBe(202);
      await drawn;
      // The art_url the api sent names another host; the device used the vault base it was given and
      // its own 2-level alias path (docs/device-protocol.md §8), which the vault layout answers.
      expect(requested).toContain(`/vault/${aliasPath(art.storageKey, 'gif')}`);
      const first = (await decodeArtwork(gif)).frames[0]!;
      const expected = panelPicture(first, 16, 16, { brightness: player.state.brightness!, rotation: 0, mirror: 'none' });
      expect([...parseHalfBlocks(screen.lines).rgb]).toEqual([...expected.rgb]);
      expect(screen.statusLine()).toContain('#slime');
      expect(screen.statusLine()).toContain(`post ${art.id}`);

      const dir = path.join(repoRoot, 'docs', 'images');
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'player-terminal.txt'), screen.capture());
      await screen.snapshot(path.join(dir, 'player-terminal.png'));
      expect((await readFile(path.join(dir, 'player-terminal.png'))).subarray(1, 4).toString()).toBe('PNG');
    } finally {
      screen.stop();
      playback.stop();
      await player.disconnect();
    }
  });
});
