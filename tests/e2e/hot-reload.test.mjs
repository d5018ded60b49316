// Browser end-to-end test of hot reload (issue 4): an open tab of the built-in UI follows real
// edits of a temporary copy of examples/tremolo, rebuilt by `wavecraft start`, with no page
// reload and without disturbing existing controls:
//
//   - adding a parameter makes its control appear while an existing slider keeps its DOM node
//     and its (non-default) position; the status area went through "building" to "ok";
//   - a syntax error shows "failed" with the compiler's file:line and keeps the controls;
//   - restoring the source recovers, and the added parameter's control goes away.
//
// SPDX-License-Identifier: MIT

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  skipReason, cleanupAll, copyExample, startWavecraft, launchBrowser, openUi, param,
  REBUILD_TIMEOUT_MS,
} from './lib/harness.mjs';
import { RpcClient } from './lib/ws-rpc.mjs';

const reason = skipReason();
if (reason) console.log(`skipping the browser tests: ${reason}`);
const skip = reason ?? false;

const NEW_ID = 'e2e_added';
let server, context, page, rpc, projectDir, srcC, srcH, origC, origH, kept;

before(async () => {
  if (reason) return;
  projectDir = copyExample('tremolo');
  srcC = path.join(projectDir, 'engine', 'src', 'tremolo.c');
  srcH = path.join(projectDir, 'engine', 'src', 'tremolo.h');
  origC = fs.readFileSync(srcC, 'utf8');
  origH = fs.readFileSync(srcH, 'utf8');
  server = await startWavecraft(projectDir);
  rpc = await RpcClient.connect(server.wsUrl);
  context = await launchBrowser();
  page = await openUi(context, server.url);
  page.wcNavigations = 0;
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) page.wcNavigations++; });
  // Record every state the build status area goes through.
  await page.evaluate(() => {
    window.__noReload = true;
    window.__buildStates = [];
    const el = document.querySelector('#wc-build-status');
    new MutationObserver(() => window.__buildStates.push(el.dataset.state))
      .observe(el, { attributes: true, attributeFilter: ['data-state'] });
  });
}, { timeout: 240_000 });

after(async () => {
  rpc?.close();
  await cleanupAll();
});

/** Writes `text` the way editors do: a temporary file renamed over the original. */
function save(file, text) {
  const tmp = `${file}.e2e-tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** tremolo.c with one more row at the end of its parameter table. */
function withAddedRow(c) {
  const m = /static\s+const\s+wavecraft_param\s+\w+\s*\[[^\]]*\]\s*=\s*\{([\s\S]*?)\n\};/.exec(c);
  assert.ok(m, 'found the parameter table in examples/tremolo/engine/src/tremolo.c');
  const end = m.index + m[0].length - 3; // before "\n};"
  const body = m[1].trimEnd();
  const sep = body.endsWith(',') ? '' : ',';
  const at = m.index + m[0].indexOf(m[1]) + body.length;
  assert.ok(at <= end);
  return `${c.slice(0, at)}${sep}\n  WAVECRAFT_FLOAT ("${NEW_ID}", "E2E Added", 0.0, 10.0, 2.5, "ms", "Output"),${c.slice(at)}`;
}

/** tremolo.h with one more index before TREMOLO_N_PARAMS. */
function withAddedIndex(h) {
  assert.match(h, /\n(\s*)TREMOLO_N_PARAMS\b/, 'found TREMOLO_N_PARAMS in tremolo.h');
  return h.replace(/\n(\s*)TREMOLO_N_PARAMS\b/, '\n$1TREMOLO_PARAM_E2E_ADDED,\n$1TREMOLO_N_PARAMS');
}

const states = () => page.evaluate(() => window.__buildStates);

test('an added parameter appears in the open page without reload; existing sliders keep position', { skip, timeout: REBUILD_TIMEOUT_MS + 30_000 }, async () => {
  const { parameters } = await rpc.call('getAllParameters');
  const p = parameters.find((q) => (q.type ?? 'float') === 'float');
  assert.ok(p, 'examples/tremolo has a float parameter');
  assert.ok(!parameters.some((q) => q.id === NEW_ID));

  // Move it away from its default through the UI, so that "kept" means something.
  const sel = `${param(p.id)} .wc-slider`;
  const box = await page.locator(sel).boundingBox();
  const since = rpc.mark();
  await page.mouse.click(box.x + box.width * 0.77, box.y + box.height / 2);
  const moved = Number(await page.inputValue(sel));
  assert.notEqual(moved, p.default);
  await rpc.waitFor((m, q) => m === 'parameterChanged' && q.id === p.id && Math.abs(q.value - moved) < 1e-9, { since, what: `parameterChanged ${p.id}` });
  await page.evaluate((s) => { document.querySelector(s).__e2eMark = 'kept'; }, sel);
  kept = { id: p.id, sel, value: moved };

  const mark = rpc.mark();
  save(srcC, withAddedRow(origC));
  save(srcH, withAddedIndex(origH));

  await page.waitForSelector(param(NEW_ID), { timeout: REBUILD_TIMEOUT_MS });
  await rpc.waitFor((m, q) => m === 'parametersChanged', { since: mark, what: 'parametersChanged', timeoutMs: 5000 });

  const added = param(NEW_ID);
  assert.equal(await page.getAttribute(added, 'data-type'), 'float');
  assert.equal(await page.locator(`${added} .wc-param-label`).textContent(), 'E2E Added');
  assert.equal(Number(await page.inputValue(`${added} .wc-slider`)), 2.5, 'the new control starts at its default');
  assert.match(await page.locator(`${added} .wc-value`).textContent(), /ms$/);
  assert.equal(await page.getAttribute(`${added} .wc-slider`, 'max'), '10');

  assert.equal(await page.evaluate(() => window.__noReload), true, 'the page was not reloaded');
  assert.equal(page.wcNavigations, 0, 'no navigation happened');
  assert.equal(await page.evaluate((s) => document.querySelector(s).__e2eMark, sel), 'kept', 'the existing slider is the same DOM node');
  assert.equal(Number(await page.inputValue(sel)), moved, 'the existing slider kept its position');
  assert.equal((await rpc.call('getParameter', { id: p.id })).value, moved, 'the server kept the value');
  assert.equal(await page.locator('[data-param-id]').count(), parameters.length + 1);

  await page.waitForSelector('#wc-build-status[data-state="ok"]', { state: 'attached' });
  assert.ok((await states()).includes('building'), `the status area showed "building" (went through ${await states()})`);
  assert.match(await page.locator('#wc-build-status').textContent(), /\+1 new/);
});

test('a syntax error shows the failure with file:line and keeps the controls', { skip, timeout: REBUILD_TIMEOUT_MS + 30_000 }, async () => {
  assert.ok(kept, 'the previous test ran');
  const current = fs.readFileSync(srcC, 'utf8').split('\n');
  // Right after the last #include: a line the compiler must reject.
  const includeAt = current.reduce((last, l, i) => (/^#include\b/.test(l) ? i : last), -1);
  assert.ok(includeAt >= 0);
  current.splice(includeAt + 1, 0, 'static int e2e_broken = ;');
  const badLine = includeAt + 2; // 1-based
  await page.evaluate(() => { window.__buildStates.length = 0; });
  save(srcC, current.join('\n'));

  await page.waitForSelector('#wc-build-status[data-state="failed"]', { state: 'attached', timeout: REBUILD_TIMEOUT_MS });
  const locs = await page.locator('#wc-build-status .wc-diag-loc').allTextContents();
  assert.ok(locs.some((l) => new RegExp(`tremolo\\.c:${badLine}(:\\d+)?$`).test(l)),
    `a diagnostic points at tremolo.c:${badLine} (got ${JSON.stringify(locs)})`);
  const messages = await page.locator('#wc-build-status .wc-diag-message').allTextContents();
  assert.ok(messages.every((m) => m.length > 0), 'each diagnostic has its message');
  assert.ok((await states()).includes('building'));

  // The last good state stays: every control still there, the kept slider untouched.
  assert.equal(await page.locator(param(NEW_ID)).count(), 1);
  assert.equal(await page.evaluate((s) => document.querySelector(s).__e2eMark, kept.sel), 'kept');
  assert.equal(Number(await page.inputValue(kept.sel)), kept.value);
  assert.equal(await page.evaluate(() => window.__noReload), true);
});

test('restoring the source recovers and removes the added control in place', { skip, timeout: REBUILD_TIMEOUT_MS + 30_000 }, async () => {
  assert.ok(kept, 'the first test ran');
  save(srcH, origH);
  save(srcC, origC);
  await page.waitForSelector(param(NEW_ID), { state: 'detached', timeout: REBUILD_TIMEOUT_MS });
  await page.waitForSelector('#wc-build-status[data-state="ok"]', { state: 'attached' });
  assert.equal(await page.locator('#wc-build-status .wc-diag').count(), 0, 'diagnostics are cleared');
  assert.equal(await page.evaluate((s) => document.querySelector(s).__e2eMark, kept.sel), 'kept');
  assert.equal(Number(await page.inputValue(kept.sel)), kept.value);
  assert.equal(await page.evaluate(() => window.__noReload), true);
  assert.equal(page.wcNavigations, 0);
  assert.deepEqual(page.wcErrors, []);
});
