// harness.mjs: shared plumbing of the browser end-to-end tests: requirement checks (skip
// cleanly when chromium or playwright-core is missing), a temporary copy of an example project,
// `wavecraft start` as a real child process, and Debian's chromium through playwright-core.
// Every wait has a deadline; everything started is stopped in `after` hooks, also on failure.
//
// SPDX-License-Identifier: MIT

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = path.resolve(here, '..');
export const SOURCE_ROOT = process.env.WAVECRAFT_SOURCE_ROOT ?? path.resolve(E2E_DIR, '../..');
export const WAVECRAFT_BIN = process.env.WAVECRAFT_BIN ?? '';
export const CHROMIUM = process.env.WAVECRAFT_CHROMIUM ?? '/usr/bin/chromium';

/** Deadlines, in ms. Generous: the first start builds the example from scratch. */
export const READY_TIMEOUT_MS = 180_000;
export const REBUILD_TIMEOUT_MS = 120_000;
export const UI_TIMEOUT_MS = 15_000;
export const EXIT_TIMEOUT_MS = 5_000;

/**
 * Why these tests cannot run here, or null when they can.
 * @returns {string|null}
 */
export function skipReason() {
  if (!fs.existsSync(CHROMIUM)) {
    return `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run the browser tests`;
  }
  if (!fs.existsSync(path.join(E2E_DIR, 'node_modules', 'playwright-core', 'package.json'))) {
    return 'tests/e2e/node_modules/playwright-core is missing: run `npm ci` in tests/e2e to run the browser tests';
  }
  if (!WAVECRAFT_BIN || !fs.existsSync(WAVECRAFT_BIN)) {
    return `WAVECRAFT_BIN (${WAVECRAFT_BIN || 'unset'}) is not a built wavecraft binary: run through meson test`;
  }
  return null;
}

/** Resources to release when the file's tests end, newest first. */
const cleanups = [];

/** wavecraft children still running: stopped even when the runner itself is killed (meson timeout). */
const children = new Set();
function killChildrenNow(signal) {
  for (const pid of children) {
    try { process.kill(pid, signal); } catch (_) { /* gone */ }
  }
}
/** Temporary directories, removed at cleanup and, failing that, when the runner exits. */
const tempDirs = new Set();
function makeTempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}
function removeTempDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}
process.on('exit', () => {
  killChildrenNow('SIGTERM');
  for (const dir of tempDirs) {
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch (_) { /* best effort */ }
  }
});
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.once(sig, () => {
    killChildrenNow('SIGTERM');
    process.exit(128 + os.constants.signals[sig]);
  });
}
export function onCleanup(fn) { cleanups.push(fn); }

/** A fresh temporary directory, removed at cleanup. */
export function tempDir(prefix) {
  const dir = makeTempDir(prefix);
  onCleanup(() => removeTempDir(dir));
  return dir;
}
export async function cleanupAll() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try { await fn(); } catch (e) { console.error(`# cleanup: ${e.message}`); }
  }
}

/**
 * Resolves when `cond()` (sync or async) returns a truthy value, which it resolves with.
 * @param {() => any} cond
 * @param {{timeoutMs?: number, what?: string, intervalMs?: number}} [opts]
 */
export async function waitUntil(cond, { timeoutMs = 10_000, what = 'condition', intervalMs = 25 } = {}) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Copies examples/<name> into a fresh temporary directory, leaving out build output.
 * @returns {string} the copy's path (removed at cleanup)
 */
export function copyExample(name) {
  const src = path.join(SOURCE_ROOT, 'examples', name);
  if (!fs.existsSync(src)) throw new Error(`example project ${src} does not exist`);
  const root = makeTempDir(`wc-e2e-${name}-`);
  const dst = path.join(root, name);
  const skip = new Set(['node_modules', 'target', '.git', 'build', 'builddir']);
  fs.cpSync(src, dst, {
    recursive: true,
    filter: (p) => {
      const base = path.basename(p);
      return !(skip.has(base) || base.startsWith('_build') || base === 'wavecraft-params.json');
    },
  });
  onCleanup(() => removeTempDir(root));
  return dst;
}

/**
 * Runs `wavecraft start <projectDir> --no-browser --port 0` and waits until it prints its URL.
 * The child gets its own process group; cleanup stops it (SIGINT, then SIGKILL of the group).
 * @returns {Promise<{url: string, port: number, wsUrl: string, child: import('node:child_process').ChildProcess,
 *   output: () => string, exited: Promise<{code: number|null, signal: string|null}>}>}
 */
export async function startWavecraft(projectDir, extraArgs = []) {
  return runWavecraft(['start', projectDir, '--no-browser', '--port', '0', ...extraArgs], { cwd: projectDir });
}

/**
 * Runs `wavecraft <args>` as a real child in its own process group and waits until it prints
 * an http://127.0.0.1:<port>/ URL. Cleanup stops it (SIGINT, then SIGKILL of the group).
 * @param {string[]} args
 * @param {{cwd?: string, env?: Record<string, string>}} [opts] `env` is added to ours
 */
export async function runWavecraft(args, { cwd = os.tmpdir(), env = {} } = {}) {
  const verb = args[0];
  const child = spawn(WAVECRAFT_BIN, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const output = () => out;
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let done = false;
  children.add(child.pid);
  exited.then(() => { done = true; children.delete(child.pid); });
  onCleanup(async () => {
    if (done) return;
    try { process.kill(child.pid, 'SIGINT'); } catch (_) { return; }
    const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch (_) { /* gone */ } }, 3000);
    await exited;
    clearTimeout(t);
  });

  const m = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`wavecraft ${verb} printed no http://127.0.0.1:<port>/ URL within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    const check = () => {
      const found = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (found) finish(null, found);
    };
    const onExit = ({ code, signal }) => finish(new Error(`wavecraft ${verb} exited early (code ${code}, signal ${signal})`));
    let settled = false;
    function finish(err, found) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.off('data', check);
      if (err) reject(new Error(`${err.message}\n--- output ---\n${out}`));
      else resolve(found);
    }
    child.stdout.on('data', check);
    exited.then(onExit);
    check();
  });
  const port = Number(m[1]);
  return { url: `http://127.0.0.1:${port}/`, port, wsUrl: `ws://127.0.0.1:${port}/`, child, output, exited };
}

/**
 * Sends `signal` to the wavecraft child and waits for its exit, with a deadline.
 * @returns {Promise<{code: number|null, signal: string|null}>}
 */
export async function stopWavecraft(server, signal = 'SIGINT', timeoutMs = EXIT_TIMEOUT_MS) {
  process.kill(server.child.pid, signal);
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`wavecraft did not exit within ${timeoutMs} ms of ${signal}\n--- output ---\n${server.output()}`)), timeoutMs);
  });
  try {
    return await Promise.race([server.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** @returns {Promise<boolean>} whether something accepts connections on 127.0.0.1:port */
export function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/**
 * Debian's chromium, headless, with a fresh profile (no browser download: playwright-core only).
 * @returns {Promise<import('playwright-core').BrowserContext>}
 */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  const profile = makeTempDir('wc-e2e-chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1000, height: 900 },
    timeout: 60_000,
  });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  onCleanup(async () => {
    await context.close().catch(() => {});
    removeTempDir(profile);
  });
  return context;
}

/**
 * Opens the built-in UI in a new page and waits until it is connected and shows parameters.
 * Page errors are collected in `page.wcErrors`.
 */
export async function openUi(context, url) {
  const page = await context.newPage();
  page.wcErrors = [];
  page.on('pageerror', (e) => page.wcErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') page.wcErrors.push(m.text()); });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#wc-connection[data-state="open"]');
  await page.waitForSelector('[data-param-id]');
  return page;
}

/** CSS selector of a parameter's control root. */
export const param = (id) => `[data-param-id="${id.replace(/["\\]/g, '\\$&')}"]`;
