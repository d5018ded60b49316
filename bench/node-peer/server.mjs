// server.mjs: the Node peer of bench-server. The JSON-RPC subset of PROTOCOL.md §4 that the
// benchmark drives (getAllParameters, getParameter, setParameter + parameterChanged,
// getMeterFrame, ping, 60 Hz meterUpdate to every client), served the way a Vite-era Node
// dev server would: the `ws` package, JSON.parse / JSON.stringify, one serialisation per
// broadcast. Prints "READY <port>" once listening.
//
// SPDX-License-Identifier: MIT

import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 0;

const params = [
  { id: 'gain', name: 'Gain', type: 'float', value: 0, default: 0, min: -60, max: 12, unit: 'dB', group: 'Main' },
  { id: 'freq', name: 'Frequency', type: 'float', value: 440, default: 440, min: 20, max: 20000, unit: 'Hz', group: 'Main' },
  { id: 'mix', name: 'Mix', type: 'float', value: 0.5, default: 0.5, min: 0, max: 1, group: 'Main' },
  { id: 'bypass', name: 'Bypass', type: 'bool', value: 0, default: 0, min: 0, max: 1 },
  { id: 'mode', name: 'Mode', type: 'enum', value: 0, default: 0, min: 0, max: 2, variants: ['A', 'B', 'C'] },
];
const byId = new Map(params.map((p) => [p.id, p]));

const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, maxPayload: 1024 * 1024 });
const clients = new Set();
let lastFrame = null;

function reply(id, result) {
  return JSON.stringify({ jsonrpc: '2.0', id, result });
}

function error(id, code, message) {
  return JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } });
}

function broadcast(text, except) {
  for (const ws of clients) {
    if (ws !== except && ws.readyState === 1) ws.send(text);
  }
}

function handle(ws, msg) {
  if (msg === null || typeof msg !== 'object' || msg.jsonrpc !== '2.0' || typeof msg.method !== 'string') {
    return error(msg && msg.id !== undefined ? msg.id : null, -32600, 'Invalid request');
  }
  const id = msg.id;
  const p = msg.params;
  let result;
  switch (msg.method) {
    case 'getAllParameters':
      result = { parameters: params };
      break;
    case 'getParameter': {
      const info = p && byId.get(p.id);
      if (!info) return id === undefined ? null : error(id, -32000, `Parameter not found: ${p && p.id}`);
      result = { id: info.id, value: info.value };
      break;
    }
    case 'setParameter': {
      const info = p && byId.get(p.id);
      if (!info) return id === undefined ? null : error(id, -32000, `Parameter not found: ${p && p.id}`);
      const v = typeof p.value === 'boolean' ? Number(p.value) : p.value;
      if (typeof v !== 'number' || !Number.isFinite(v)) return id === undefined ? null : error(id, -32602, 'Invalid params: value must be a finite number');
      if (v < info.min || v > info.max) return id === undefined ? null : error(id, -32001, `Parameter '${info.id}' value ${v} out of range [${info.min}, ${info.max}]`);
      result = {};
      if (info.value !== v) {
        info.value = v;
        const text = JSON.stringify({ jsonrpc: '2.0', method: 'parameterChanged', params: { id: info.id, value: v } });
        setImmediate(() => broadcast(text, null));
      }
      break;
    }
    case 'getMeterFrame':
      result = { frame: lastFrame && { peak_l: lastFrame.left_peak, peak_r: lastFrame.right_peak, rms_l: lastFrame.left_rms, rms_r: lastFrame.right_rms, timestamp: lastFrame.timestamp_us / 1000 } };
      break;
    case 'ping':
      result = { pong: true };
      break;
    default:
      return id === undefined ? null : error(id, -32601, `Method not found: ${msg.method}`);
  }
  return id === undefined ? null : reply(id, result);
}

wss.on('connection', (ws) => {
  clients.add(ws);
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.close(1003);
      return;
    }
    let msg;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      ws.send(error(null, -32700, 'Parse error'));
      return;
    }
    if (Array.isArray(msg)) {
      if (msg.length === 0) {
        ws.send(error(null, -32600, 'Invalid request'));
        return;
      }
      const out = msg.map((m) => handle(ws, m)).filter((r) => r !== null);
      if (out.length) ws.send(`[${out.join(',')}]`);
      return;
    }
    const r = handle(ws, msg);
    if (r !== null) ws.send(r);
  });
  ws.on('close', () => clients.delete(ws));
  ws.on('error', () => clients.delete(ws));
});

// 60 Hz synthetic meters, drift-corrected (setInterval would truncate 16.67 ms to 16 ms)
const start = performance.now();
let n = 0;
function tick() {
  n++;
  if (clients.size > 0) {
    const t = performance.now();
    const level = 0.25 + 0.2 * Math.sin(t / 500);
    lastFrame = { timestamp_us: Math.round((performance.timeOrigin + t) * 1000), left_peak: level, left_rms: level * 0.7, right_peak: level * 0.9, right_rms: level * 0.6 };
    const text = JSON.stringify({ jsonrpc: '2.0', method: 'meterUpdate', params: lastFrame });
    for (const ws of clients) {
      // a slow reader gets no more meter frames until it catches up
      if (ws.readyState === 1 && ws.bufferedAmount < 1024 * 1024) ws.send(text);
    }
  }
  setTimeout(tick, Math.max(0, start + ((n + 1) * 1000) / 60 - performance.now()));
}
setTimeout(tick, 1000 / 60);

wss.on('listening', () => {
  process.stdout.write(`READY ${wss.address().port}\n`);
});

function stop() {
  for (const ws of clients) ws.close(1001);
  wss.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
