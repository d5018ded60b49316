// Browser end-to-end test of the built-in UI (issue 3): `wavecraft start` on a copy of
// examples/tremolo, two tabs of headless chromium and an independent WebSocket client.
//
//   - a slider dragged in tab A changes the server's value, and tab B shows it;
//   - a bool toggled and an enum picked in A reach the server and B;
//   - a value set by another client moves the controls of both tabs; keyboard steps work;
//   - stopping the server shows "closed" and the error banner; a restarted server on the same
//     port is picked up again with a full refresh, without a page reload;
//   - SIGINT and SIGTERM make `wavecraft start` exit 0 and free the port.
//
// SPDX-License-Identifier: MIT

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  skipReason, cleanupAll, copyExample, startWavecraft, stopWavecraft, launchBrowser, openUi,
  param, portOpen, waitUntil, UI_TIMEOUT_MS,
} from './lib/harness.mjs';
import { RpcClient } from './lib/ws-rpc.mjs';

const reason = skipReason();
if (reason) console.log(`skipping the browser tests: ${reason}`);
const skip = reason ?? false;

let server, context, pageA, pageB, rpc, params, projectDir;
const near = (a, b, eps) => Math.abs(a - b) <= eps;

before(async () => {
  if (reason) return;
  projectDir = copyExample('tremolo');
  server = await startWavecraft(projectDir);
  rpc = await RpcClient.connect(server.wsUrl);
  params = (await rpc.call('getAllParameters')).parameters;
  context = await launchBrowser();
  pageA = await openUi(context, server.url);
  pageB = await openUi(context, server.url);
}, { timeout: 240_000 });

after(async () => {
  rpc?.close();
  await cleanupAll();
});

const firstOf = (type) => {
  const p = params.find((q) => (q.type ?? 'float') === type);
  assert.ok(p, `examples/tremolo declares no ${type} parameter; the browser test needs one of each type`);
  return p;
};
const valueOf = async (id) => (await rpc.call('getParameter', { id })).value;
const waitChanged = (id, pred, since, what) =>
  rpc.waitFor((m, p) => m === 'parameterChanged' && p.id === id && pred(Number(p.value)),
    { since, timeoutMs: UI_TIMEOUT_MS, what });

test('both tabs show every parameter with the control for its type', { skip }, async () => {
  for (const page of [pageA, pageB]) {
    const shown = await page.$$eval('[data-param-id]', (els) => els.map((e) => [e.dataset.paramId, e.dataset.type]));
    assert.deepEqual(shown.map(([id]) => id).sort(), params.map((p) => p.id).sort());
    for (const p of params) {
      const type = p.type ?? 'float';
      const cls = { float: '.wc-slider', bool: '.wc-toggle', enum: '.wc-select' }[type];
      assert.equal(await page.locator(`${param(p.id)} ${cls}`).count(), 1, `${p.id} has a ${cls}`);
      if (type === 'float') {
        assert.equal(await page.locator(`${param(p.id)} .wc-number`).count(), 1, `${p.id} has a .wc-number`);
        if (p.unit) assert.match(await page.locator(`${param(p.id)} .wc-value`).textContent(), new RegExp(`${p.unit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      }
    }
    assert.equal(await page.getAttribute('#wc-error-banner', 'hidden'), '', 'no error shown');
  }
});

test('dragging a slider in tab A sets the server value and tab B follows', { skip }, async () => {
  const p = firstOf('float');
  const sel = `${param(p.id)} .wc-slider`;
  const before = Number(await pageA.inputValue(sel));
  assert.ok(near(before, await valueOf(p.id), 1e-9), 'A shows the server value to start with');

  const box = await pageA.locator(sel).boundingBox();
  const fromFrac = (before - p.min) / (p.max - p.min);
  const toFrac = fromFrac < 0.5 ? 0.85 : 0.15;
  const y = box.y + box.height / 2;
  const since = rpc.mark();
  await pageA.mouse.move(box.x + box.width * fromFrac, y);
  await pageA.mouse.down();
  for (let i = 1; i <= 10; i++) await pageA.mouse.move(box.x + box.width * (fromFrac + ((toFrac - fromFrac) * i) / 10), y);
  await pageA.mouse.up();

  const shownA = Number(await pageA.inputValue(sel));
  assert.ok(!near(shownA, before, (p.max - p.min) / 10), `the drag moved the slider (from ${before} to ${shownA})`);
  await waitChanged(p.id, (v) => near(v, shownA, 1e-9), since, `parameterChanged ${p.id}=${shownA}`);
  assert.ok(near(await valueOf(p.id), shownA, 1e-9), 'getParameter returns the dragged value');

  const sent = rpc.notifications.slice(since).filter((m) => m.method === 'parameterChanged' && m.params.id === p.id).length;
  assert.ok(sent >= 1 && sent <= 12, `a drag over 10 mouse moves sent ${sent} setParameter calls (throttled to frames)`);

  await pageB.waitForFunction(([s, v]) => {
    const el = document.querySelector(s);
    return el && Math.abs(Number(el.value) - v) < 1e-9 && Math.abs(Number(el.parentElement.querySelector('.wc-number').value) - v) < 1e-6;
  }, [sel, shownA]);
  // A keeps the value it sent: no echo loop pulling the thumb back.
  assert.ok(near(Number(await pageA.inputValue(sel)), shownA, 1e-9));
});

test('toggling a bool in tab A reaches the server and tab B', { skip }, async () => {
  const p = firstOf('bool');
  const before = Number(await valueOf(p.id));
  const want = before >= 0.5 ? 0 : 1;
  const since = rpc.mark();
  await pageA.locator(`${param(p.id)} .wc-toggle`).click();
  await waitChanged(p.id, (v) => v === want, since, `parameterChanged ${p.id}=${want}`);
  assert.equal(Number(await valueOf(p.id)), want);
  await pageB.waitForFunction(([s, on]) => document.querySelector(s)?.checked === on,
    [`${param(p.id)} .wc-toggle`, want === 1]);
  assert.equal(await pageA.locator(`${param(p.id)} .wc-toggle`).isChecked(), want === 1);
  assert.equal(await pageB.getAttribute(`${param(p.id)} .wc-toggle`, 'role'), 'switch');
});

test('picking an enum variant in tab A reaches the server and tab B', { skip }, async () => {
  const p = firstOf('enum');
  assert.ok(p.variants.length >= 2);
  const before = Number(await valueOf(p.id));
  const want = (before + 1) % p.variants.length;
  const since = rpc.mark();
  await pageA.locator(`${param(p.id)} .wc-select`).selectOption(String(want));
  await waitChanged(p.id, (v) => v === want, since, `parameterChanged ${p.id}=${want}`);
  assert.equal(Number(await valueOf(p.id)), want);
  await pageB.waitForFunction(([s, v]) => document.querySelector(s)?.value === v, [`${param(p.id)} .wc-select`, String(want)]);
  const label = await pageB.locator(`${param(p.id)} .wc-select option:checked`).textContent();
  assert.equal(label, p.variants[want]);
});

test('a value set by another client moves both tabs; arrow keys step the slider', { skip }, async () => {
  const p = firstOf('float');
  const target = Number((p.min + (p.max - p.min) * 0.3).toPrecision(6));
  await rpc.call('setParameter', { id: p.id, value: target });
  const sel = `${param(p.id)} .wc-slider`;
  for (const page of [pageA, pageB]) {
    await page.waitForFunction(([s, v]) => Math.abs(Number(document.querySelector(s).value) - v) <= (Number(document.querySelector(s).step) || 0),
      [sel, target]);
  }

  const since = rpc.mark();
  await pageB.locator(sel).focus();
  await pageB.keyboard.press('ArrowRight');
  const after = Number(await pageB.inputValue(sel));
  assert.ok(after > target, `ArrowRight raised the slider (${target} → ${after})`);
  await waitChanged(p.id, (v) => near(v, after, 1e-9), since, `parameterChanged ${p.id}=${after}`);
  await pageA.waitForFunction(([s, v]) => Math.abs(Number(document.querySelector(s).value) - v) < 1e-9, [sel, after]);
});

test('typing a value into the numeric entry sets it, clamped into range', { skip }, async () => {
  const p = firstOf('float');
  const num = `${param(p.id)} .wc-number`;
  const since = rpc.mark();
  await pageA.fill(num, String(p.max * 10 + 1000));
  await pageA.press(num, 'Enter');
  await waitChanged(p.id, (v) => v === p.max, since, `parameterChanged ${p.id}=${p.max} (clamped)`);
  await pageB.waitForFunction(([s, v]) => Number(document.querySelector(s).value) === v, [num, p.max]);
  assert.equal(await pageA.getAttribute('#wc-error-banner', 'hidden'), '', 'no error shown');
});

test('meters show levels from the server', { skip }, async () => {
  // Synthetic meters are pushed at 60 Hz (or polled): the readout leaves −∞ and aria-valuenow moves.
  await pageA.waitForFunction(() => {
    const t = document.querySelector('#wc-meters [data-channel="left"] .wc-meter-track');
    return document.querySelector('#wc-meters').dataset.signal === 'true' && Number(t.getAttribute('aria-valuenow')) > -60;
  });
  const readout = await pageA.locator('#wc-meters [data-channel="right"] .wc-meter-readout').textContent();
  assert.match(readout, /dB$/);
});

test('a stopped server shows as closed; a restart on the same port is picked up without reload', { skip }, async () => {
  const p = firstOf('float');
  await pageA.evaluate(() => { window.__noReload = true; });
  rpc.close();
  const { code, signal } = await stopWavecraft(server, 'SIGINT');
  assert.equal(signal, null, 'wavecraft exited by itself, not by a signal');
  assert.equal(code, 0, `SIGINT exit code\n${server.output()}`);
  assert.equal(await portOpen(server.port), false, 'the port is free after SIGINT');

  for (const page of [pageA, pageB]) {
    await page.waitForSelector('#wc-connection[data-state="closed"]');
    await page.waitForSelector('#wc-error-banner:not([hidden])');
    assert.equal(await page.locator(`${param(p.id)} .wc-slider`).isDisabled(), true, 'controls are disabled while disconnected');
  }

  const port = server.port;
  server = await startWavecraft(projectDir, ['--port', String(port)]);
  assert.equal(server.port, port);
  rpc = await RpcClient.connect(server.wsUrl);
  const fresh = await valueOf(p.id);
  // The back-off is capped at 5 s: both tabs are back well within the UI deadline.
  for (const page of [pageA, pageB]) {
    await page.waitForSelector('#wc-connection[data-state="open"]', { timeout: UI_TIMEOUT_MS });
    await page.waitForFunction(([s, v]) => Math.abs(Number(document.querySelector(s).value) - v) <= (Number(document.querySelector(s).step) || 0),
      [`${param(p.id)} .wc-slider`, fresh]);
    await page.waitForSelector('#wc-error-banner[hidden]', { state: 'attached' });
  }
  assert.equal(await pageA.evaluate(() => window.__noReload), true, 'the page was not reloaded');

  rpc.close();
  const term = await stopWavecraft(server, 'SIGTERM');
  assert.deepEqual(term, { code: 0, signal: null }, `SIGTERM exit\n${server.output()}`);
  await waitUntil(async () => !(await portOpen(port)), { what: `port ${port} to be free`, timeoutMs: 2000 });
  for (const page of [pageA, pageB]) assert.deepEqual(page.wcErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e)), []);
});
