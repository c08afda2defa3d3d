import path from 'node:path';
import { generateArtwork } from '@makapix/devstack/demo/generate-art';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { WebEnv } from './harness/env.ts';
import { WebSite } from './harness/site.ts';
import { apiErrorJourney } from './journeys/api-errors.ts';
import { artistJourney } from './journeys/artist.ts';
import { keyboardJourney } from './journeys/keyboard.ts';
import { passwordJourney } from './journeys/password.ts';
import { pixelJourney } from './journeys/pixels.ts';
import { uploadRulesJourney } from './journeys/upload-rules.ts';
import { visitorJourney } from './journeys/visitor.ts';

// The web app in Debian's Chromium against the whole platform started by the README's run command
// (one stack and one browser for every journey: starting them is most of the cost). Journeys run in
// order, each in its own browser profile; axe audits every page they visit.
const site = new WebSite(path.join(inject('scratchDir'), `web-e2e-${process.pid}`));
const env = new WebEnv(site, path.join(inject('scratchDir'), `web-e2e-${process.pid}`));
let artworkRoute = '';

/** A journey's browser profiles close when it ends: open pages keep timers and live connections busy. */
function journey(register: () => void): void {
  register();
  afterAll(() => env.closeAll());
}

describe('the web app in Chromium', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    env.step('starting the stack and Chromium');
    await site.start();
    env.step('stack running');
    const artist = await site.member('keeper');
    const bytes = await generateArtwork(4711, { format: 'png', width: 16, height: 16 });
    artworkRoute = `/p/${await site.uploadReady(artist.token, { bytes, name: 'keeper.png', type: 'image/png' }, 'Keeper sprite', ['keeper'])}`;
  }, site.startupMs + 60_000);

  beforeEach((ctx) => env.step(`▶ ${ctx.task.name}`));
  afterEach(async (ctx) => {
    env.step(`${ctx.task.result?.state === 'fail' ? '✗' : '✓'} ${ctx.task.name}`);
    if (ctx.task.result?.state === 'fail') await env.keepEvidence(ctx.task.name);
  });

  afterAll(async () => {
    await env.writeSteps();
    await env.closeAll();
    await site.stop();
  });

  describe('visitor', () => journey(() => visitorJourney(env)));
  describe('pixel-exact artwork', () => journey(() => pixelJourney(env)));
  describe('upload rules', () => journey(() => uploadRulesJourney(env)));
  describe('artist', () => journey(() => artistJourney(env)));
  describe('keyboard only', () => journey(() => keyboardJourney(env, () => artworkRoute)));
  describe('password reset', () => journey(() => passwordJourney(env)));
  describe('api errors', () => journey(() => apiErrorJourney(env, () => artworkRoute)));

  it('axe reports no violation on any page the journeys visited', () => {
    expect(env.audit.unaudited()).toEqual([]);
    expect(env.audit.failures).toEqual([]);
  });
});
