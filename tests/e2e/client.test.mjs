// Unit tests of src/ui/wavecraft-client.js under Node, against an in-process fake WebSocket:
// JSON-RPC ids and errors, notifications as events, reconnect back-off (capped, never giving
// up), and the full refresh on every connect. No browser and no server needed.
//
// SPDX-License-Identifier: MIT

import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  WavecraftClient, RpcError, ErrorCode, normalizeParameter, linearToDb, defaultUrl,
} from '../../src/ui/wavecraft-client.js';

/** A scriptable stand-in for the browser's WebSocket. */
class FakeSocket {
  static instances = [];
  /** What the next socket does: 'open', 'refuse' or 'hang'. */
  static behaviour = 'open';
  /** Answers requests: (msg) => result | {error} | undefined (no answer). */
  static server = () => undefined;

  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    FakeSocket.instances.push(this);
    const b = FakeSocket.behaviour;
    queueMicrotask(() => {
      if (b === 'open') { this.readyState = 1; this.onopen?.({}); }
      else if (b === 'refuse') { this.readyState = 3; this.onerror?.({}); this.onclose?.({ code: 1006, reason: '', wasClean: false }); }
    });
  }

  send(text) {
    if (this.readyState !== 1) throw new Error('not open');
    const msg = JSON.parse(text);
    this.sent.push(msg);
    if (!('id' in msg)) return;
    const r = FakeSocket.server(msg);
    if (r === undefined) return;
    const reply = r && r.error ? { jsonrpc: '2.0', id: msg.id, error: r.error } : { jsonrpc: '2.0', id: msg.id, result: r };
    queueMicrotask(() => this.receive(reply));
  }

  receive(obj) { this.onmessage?.({ data: typeof obj === 'string' ? obj : JSON.stringify(obj) }); }

  close() { this.serverClose(1000); }

  /** The server side closes the connection. */
  serverClose(code = 1001) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code, reason: '', wasClean: code !== 1006 }));
  }
}

const PARAMS = [
  { id: 'rate', name: 'Rate', type: 'float', min: 0.1, max: 20, default: 4, value: 4, unit: 'Hz' },
  { id: 'bypass', name: 'Bypass', type: 'bool', min: 0, max: 1, default: 0 },
  { id: 'shape', name: 'Shape', type: 'enum', min: 0, max: 1, default: 0, variants: ['Sine', 'Square'] },
];

function defaultServer(msg) {
  switch (msg.method) {
    case 'getAllParameters': return { parameters: PARAMS };
    case 'getBuildStatus': return { error: { code: -32601, message: 'Method not found: getBuildStatus' } };
    case 'setParameter': return msg.params.value > 100
      ? { error: { code: -32001, message: `Parameter '${msg.params.id}' value ${msg.params.value} out of range [0.1, 20]` } }
      : {};
    case 'ping': return { pong: true };
    default: return { error: { code: -32601, message: `Method not found: ${msg.method}` } };
  }
}

function setup(opts = {}) {
  FakeSocket.instances = [];
  FakeSocket.behaviour = 'open';
  FakeSocket.server = defaultServer;
  return new WavecraftClient({ url: 'ws://127.0.0.1:9/', WebSocket: FakeSocket, jitter: 0, ...opts });
}

/** Resolves with the detail of the next `type` event matching `pred`, or fails after 2 s. */
function next(target, type, pred = () => true, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { target.removeEventListener(type, on); reject(new Error(`no ${type} event within ${timeoutMs} ms`)); }, timeoutMs);
    function on(e) { if (pred(e.detail)) { clearTimeout(timer); target.removeEventListener(type, on); resolve(e.detail); } }
    target.addEventListener(type, on);
  });
}

test('requests use integer ids from 1 and resolve with their own result', async () => {
  const c = setup({ autoRefresh: false });
  c.connect();
  await next(c, 'statechange', (d) => d.state === 'open');
  const [a, b] = await Promise.all([c.ping(), c.call('getAllParameters')]);
  assert.equal(a, true);
  assert.equal(b.parameters.length, 3);
  assert.deepEqual(FakeSocket.instances[0].sent.map((m) => m.id), [1, 2]);
  assert.deepEqual(FakeSocket.instances[0].sent[0], { jsonrpc: '2.0', id: 1, method: 'ping' });
  c.close();
});

test('JSON-RPC errors reject with RpcError carrying code and message', async () => {
  const c = setup({ autoRefresh: false });
  c.connect();
  await next(c, 'open');
  await assert.rejects(c.setParameter('rate', 1000), (e) => {
    assert.ok(e instanceof RpcError);
    assert.equal(e.code, ErrorCode.OUT_OF_RANGE);
    assert.equal(e.message, "Parameter 'rate' value 1000 out of range [0.1, 20]");
    assert.equal(e.method, 'setParameter');
    return true;
  });
  await assert.rejects(c.call('nope'), { code: -32601, message: 'Method not found: nope' });
  c.close();
  await assert.rejects(c.ping(), { code: ErrorCode.DISCONNECTED });
});

test('pending requests fail with DISCONNECTED when the socket closes', async () => {
  const c = setup({ autoRefresh: false });
  FakeSocket.server = () => undefined; // never answers
  c.connect();
  await next(c, 'open');
  const p = c.call('getAllParameters');
  FakeSocket.instances[0].serverClose(1001);
  await assert.rejects(p, { code: ErrorCode.DISCONNECTED });
  c.close();
});

test('requests time out', async () => {
  const c = setup({ autoRefresh: false, requestTimeoutMs: 30 });
  FakeSocket.server = () => undefined;
  c.connect();
  await next(c, 'open');
  await assert.rejects(c.ping(), { code: ErrorCode.TIMEOUT });
  c.close();
});

test('connect fetches parameters and build status; -32601 for getBuildStatus is fine', async () => {
  const c = setup();
  const params = next(c, 'parameters');
  const status = next(c, 'buildstatus');
  c.connect();
  const d = await params;
  assert.equal(d.reason, 'connect');
  assert.deepEqual(d.parameters.map((p) => [p.id, p.type, p.value]), [['rate', 'float', 4], ['bypass', 'bool', 0], ['shape', 'enum', 0]]);
  assert.equal((await status).status, null);
  assert.equal(c.buildStatus, null);
  const methods = FakeSocket.instances[0].sent.map((m) => m.method).sort();
  assert.deepEqual(methods, ['getAllParameters', 'getBuildStatus']);
  c.close();
});

test('notifications become events and keep the parameter cache current', async () => {
  const c = setup();
  const ready = next(c, 'parameters');
  c.connect();
  await ready;
  const ws = FakeSocket.instances[0];
  const changed = next(c, 'parameterChanged');
  const any = next(c, 'notification', (d) => d.method === 'somethingNew');
  ws.receive({ jsonrpc: '2.0', method: 'parameterChanged', params: { id: 'bypass', value: true } });
  ws.receive({ jsonrpc: '2.0', method: 'somethingNew', params: { x: 1 } });
  assert.deepEqual(await changed, { id: 'bypass', value: true });
  assert.equal(c.parameter('bypass').value, 1, 'JSON true is the bool value 1');
  assert.deepEqual((await any).params, { x: 1 });

  const meter = next(c, 'meter');
  ws.receive({ jsonrpc: '2.0', method: 'meterUpdate', params: { timestamp_us: 5000, left_peak: 0.5, left_rms: 0.25, right_peak: 1, right_rms: 0.1 } });
  assert.deepEqual(await meter, { peakL: 0.5, peakR: 1, rmsL: 0.25, rmsR: 0.1, timestamp: 5, source: 'push' });
  c.close();
});

test('build notifications update the build status; a stale result is ignored', async () => {
  const c = setup();
  const ready = next(c, 'parameters');
  c.connect();
  await ready;
  const ws = FakeSocket.instances[0];
  let s = next(c, 'buildstatus');
  ws.receive({ jsonrpc: '2.0', method: 'buildStarted', params: { generation: 3, files: ['engine/src/a.c'] } });
  assert.deepEqual((await s).status, { state: 'building', generation: 3, last_build: null, files: ['engine/src/a.c'] });
  ws.receive({ jsonrpc: '2.0', method: 'buildFinished', params: { generation: 2, ok: true, duration_ms: 10, diagnostics: [] } });
  assert.equal(c.buildStatus.state, 'building', 'generation 2 finishing does not end build 3');
  s = next(c, 'buildstatus');
  ws.receive({ jsonrpc: '2.0', method: 'buildFinished', params: { generation: 3, ok: false, duration_ms: 120, diagnostics: [{ file: 'engine/src/a.c', line: 7, column: 3, severity: 'error', message: 'expected ;' }] } });
  const failed = (await s).status;
  assert.equal(failed.state, 'failed');
  assert.deepEqual(failed.last_build.diagnostics, [{ file: 'engine/src/a.c', line: 7, column: 3, severity: 'error', message: 'expected ;' }]);
  c.close();
});

test('parametersChanged triggers a re-fetch of the list', async () => {
  const c = setup();
  const ready = next(c, 'parameters');
  c.connect();
  await ready;
  FakeSocket.server = (msg) => (msg.method === 'getAllParameters' ? { parameters: [...PARAMS, { id: 'mix', name: 'Mix', min: 0, max: 1, default: 1 }] } : defaultServer(msg));
  const refreshed = next(c, 'parameters', (d) => d.reason === 'parametersChanged');
  FakeSocket.instances[0].receive({ jsonrpc: '2.0', method: 'parametersChanged', params: { generation: 4, added: ['mix'], removed: [], changed: [] } });
  const d = await refreshed;
  assert.deepEqual(d.parameters.map((p) => p.id), ['rate', 'bypass', 'shape', 'mix']);
  assert.deepEqual(d.change.added, ['mix']);
  assert.equal(c.parameter('mix').type, 'float', 'absent type means float');
  assert.equal(c.parameter('mix').value, 1, 'absent value means default');
  c.close();
});

test('reconnect backs off doubling up to a cap and never gives up', async () => {
  const c = setup({ minRetryMs: 4, maxRetryMs: 64, connectTimeoutMs: 1000 });
  FakeSocket.behaviour = 'refuse';
  const delays = [];
  const enough = new Promise((resolve) => {
    c.addEventListener('statechange', (e) => {
      if (e.detail.state === 'closed' && e.detail.retryInMs !== undefined) delays.push(e.detail.retryInMs);
      if (delays.length === 9) resolve();
    });
  });
  c.connect();
  await enough;
  assert.deepEqual(delays, [4, 8, 16, 32, 64, 64, 64, 64, 64]);
  // The server comes back: the next attempt opens and refreshes everything.
  FakeSocket.behaviour = 'open';
  const refreshed = await next(c, 'parameters', () => true, 3000);
  assert.equal(refreshed.reason, 'connect');
  assert.equal(c.state, 'open');
  assert.equal(c.attempt, 0, 'attempts reset once open');

  // Dropped after being open: reconnects from the first delay again.
  const closed = next(c, 'statechange', (d) => d.state === 'closed');
  FakeSocket.instances.at(-1).serverClose(1001);
  assert.equal((await closed).retryInMs, 4);
  await next(c, 'open');
  c.close();
  assert.equal(c.state, 'closed');
});

test('default back-off: 250 ms doubling to 5 s, jittered below each step', () => {
  const c = new WavecraftClient({ url: 'ws://127.0.0.1:9/', WebSocket: FakeSocket });
  for (let attempt = 0; attempt < 30; attempt++) {
    c._attempt = attempt;
    const base = Math.min(5000, 250 * 2 ** attempt);
    const d = c._nextDelay();
    assert.ok(d >= base * 0.7 - 1 && d <= base, `attempt ${attempt}: ${d} within [${base * 0.7}, ${base}]`);
  }
});

test('a socket stuck connecting is abandoned and retried', async () => {
  const c = setup({ connectTimeoutMs: 20, minRetryMs: 1, autoRefresh: false });
  FakeSocket.behaviour = 'hang';
  c.connect();
  await next(c, 'statechange', (d) => d.state === 'closed');
  FakeSocket.behaviour = 'open';
  await next(c, 'open');
  assert.ok(FakeSocket.instances.length >= 2);
  c.close();
});

test('helpers: normalizeParameter, linearToDb, defaultUrl', () => {
  assert.equal(normalizeParameter({ name: 'x' }), null);
  assert.deepEqual(normalizeParameter({ id: 'b', type: 'bool', default: true, min: 5, max: 9 }),
    { id: 'b', name: 'b', type: 'bool', value: 1, default: 1, min: 0, max: 1 });
  assert.deepEqual(normalizeParameter({ id: 'e', type: 'enum', default: 1, variants: ['a', 'b', 'c'], group: 'G', unit: '' }),
    { id: 'e', name: 'e', type: 'enum', value: 1, default: 1, min: 0, max: 2, group: 'G', variants: ['a', 'b', 'c'] });
  assert.equal(linearToDb(1), 0);
  assert.equal(linearToDb(0), -60);
  assert.equal(linearToDb(0.0001), -60);
  assert.ok(Math.abs(linearToDb(0.5) - -6.0206) < 1e-4);
  assert.equal(defaultUrl({ host: '127.0.0.1:9000', protocol: 'http:', search: '' }), 'ws://127.0.0.1:9000/');
  assert.equal(defaultUrl({ host: 'localhost:1', protocol: 'https:', search: '' }), 'wss://localhost:1/');
  assert.equal(defaultUrl({ host: 'x:1', protocol: 'http:', search: '?ws=ws%3A%2F%2F127.0.0.1%3A9001' }), 'ws://127.0.0.1:9001');
  assert.equal(defaultUrl(undefined), null);
  assert.throws(() => new WavecraftClient({}), TypeError);
});
