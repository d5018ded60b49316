// Browser end-to-end test of the launcher page (issue 5): what a click on the desktop launcher
// opens. `wavecraft launcher` runs as a real child with its own XDG data dir and no session
// bus (so it is a plain local instance), and headless chromium uses the page like a person:
//
//   - a first run lists no recent projects and explains how to create one;
//   - a folder that is not a project is refused with the exact error;
//   - starting a copy of examples/tremolo from its path builds it, opens its built-in UI in a
//     new tab with its parameters, and lists it as running;
//   - after a page reload it is still listed (the recent-projects keyfile), Stop stops it and
//     Forget removes it;
//   - SIGINT makes the launcher exit 0 and free its port.
//
// SPDX-License-Identifier: MIT

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import {
  skipReason, cleanupAll, copyExample, runWavecraft, stopWavecraft, launchBrowser, tempDir,
  portOpen, waitUntil, READY_TIMEOUT_MS,
} from './lib/harness.mjs';

const reason = skipReason();
if (reason) console.log(`skipping the browser tests: ${reason}`);
const skip = reason ?? false;

let launcher, context, page, projectDir;

const projectItem = () => page.locator('.wl-project', { hasText: projectDir });

before(async () => {
  if (reason) return;
  projectDir = copyExample('tremolo');
  const data = tempDir('wc-e2e-launcher-data-');
  launcher = await runWavecraft(['launcher'], {
    env: {
      XDG_DATA_HOME: path.join(data, 'data'),
      XDG_CONFIG_HOME: path.join(data, 'config'),
      XDG_CACHE_HOME: path.join(data, 'cache'),
      // No session bus: the launcher is a plain local instance, never a system-wide one.
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(data, 'no-bus')}`,
      WAVECRAFT_NO_BROWSER: '1',
      LANGUAGE: 'en',
    },
  });
  context = await launchBrowser();
  page = await context.newPage();
  page.wcErrors = [];
  page.on('pageerror', (e) => page.wcErrors.push(e.message));
  await page.goto(launcher.url, { waitUntil: 'domcontentloaded' });
}, { timeout: 120_000 });

after(async () => {
  await cleanupAll();
});

test('a first run lists no projects and explains how to create one', { skip }, async () => {
  await page.locator('#wl-none').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#wl-none').textContent(), 'No recent projects yet.');
  assert.equal(await page.locator('.wl-project').count(), 0);
  assert.equal(await page.locator('#wl-create-heading').textContent(), 'Create a project');
  assert.match(await page.locator('.wl-code').textContent(), /^wavecraft create my-plugin\nwavecraft start my-plugin$/);
});

test('a folder that is not a project is refused with the exact error', { skip }, async () => {
  const notProject = tempDir('wc-e2e-not-a-project-');
  await page.fill('#wl-path', notProject);
  await page.click('#wl-open-form button[type="submit"]');
  const error = page.locator('#wl-open-error');
  await error.waitFor({ state: 'visible' });
  const text = await error.textContent();
  assert.ok(text.startsWith(`Not a Wavecraft project: ${notProject}`), text);
  assert.equal(await page.locator('.wl-project').count(), 0, 'a refused folder is not listed');
});

test('starting a project by path builds it and opens its UI in a new tab', { skip, timeout: READY_TIMEOUT_MS + 30_000 }, async () => {
  const opened = context.waitForEvent('page', { timeout: READY_TIMEOUT_MS });
  await page.fill('#wl-path', projectDir);
  await page.click('#wl-open-form button[type="submit"]');
  await projectItem().waitFor({ state: 'visible' });
  assert.equal(await projectItem().locator('.wl-project-name').textContent(), 'tremolo');

  const ui = await opened;
  await ui.waitForSelector('#wc-connection[data-state="open"]');
  await ui.waitForSelector('[data-param-id]');
  assert.equal(await ui.locator('[data-param-id]').count(), 8, 'examples/tremolo has 8 parameters');

  await projectItem().locator('.wl-project-state[data-state="running"]').waitFor();
  assert.equal(await projectItem().locator('.wl-project-state').textContent(), 'Running');
  assert.deepEqual(await projectItem().locator('button').allTextContents(), ['Open', 'Stop']);
  await ui.close();
});

test('after a reload it is still listed; Stop stops it and Forget removes it', { skip }, async () => {
  await page.reload({ waitUntil: 'domcontentloaded' });
  await projectItem().locator('.wl-project-state[data-state="running"]').waitFor();

  await projectItem().locator('button', { hasText: 'Stop' }).click();
  await waitUntil(async () => (await projectItem().locator('button').allTextContents()).join() === 'Start,Forget',
    { timeoutMs: 15_000, what: 'the project to show Start and Forget after Stop' });

  await projectItem().locator('button', { hasText: 'Forget' }).click();
  await page.locator('#wl-none').waitFor({ state: 'visible' });
  assert.equal(await page.locator('.wl-project').count(), 0);
  assert.deepEqual(page.wcErrors, []);
});

test('SIGINT stops the launcher with exit 0 and frees its port', { skip }, async () => {
  const { code, signal } = await stopWavecraft(launcher, 'SIGINT');
  assert.equal(signal, null);
  assert.equal(code, 0, launcher.output());
  assert.equal(await portOpen(launcher.port), false);
});
