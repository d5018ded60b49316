// ws-rpc.mjs: a tiny RFC 6455 client over node:net for the e2e tests, independent of the
// browser and of the UI's own client: JSON-RPC requests, and a log of notifications with
// deadline-bounded waits. Text frames only (the protocol has no binary frames).
//
// SPDX-License-Identifier: MIT

import net from 'node:net';
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class RpcClient extends EventEmitter {
  /**
   * Connects to ws://<host>:<port>/ and resolves once the handshake is done.
   * @param {string} url e.g. ws://127.0.0.1:9000/
   * @param {{origin?: string, timeoutMs?: number}} [opts]
   * @returns {Promise<RpcClient>}
   */
  static connect(url, opts = {}) {
    const c = new RpcClient(url, opts);
    return c._ready;
  }

  constructor(url, { origin, timeoutMs = 10000 } = {}) {
    super();
    const u = new URL(url);
    this.nextId = 1;
    this.pending = new Map();
    this.notifications = [];
    this.waiters = new Set();
    this.closed = false;
    this.buf = Buffer.alloc(0);
    this.fragments = [];
    const key = crypto.randomBytes(16).toString('base64');
    this.sock = net.connect({ host: u.hostname, port: Number(u.port) });
    this._ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.sock.destroy(); reject(new Error(`WebSocket handshake with ${url} timed out`)); }, timeoutMs);
      let head = Buffer.alloc(0);
      const onData = (chunk) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        clearTimeout(timer);
        this.sock.off('data', onData);
        const text = head.subarray(0, end).toString('latin1');
        const expect = crypto.createHash('sha1').update(key + GUID).digest('base64');
        if (!/^HTTP\/1\.1 101/.test(text) || !text.toLowerCase().includes(`sec-websocket-accept: ${expect.toLowerCase()}`)) {
          this.sock.destroy();
          reject(new Error(`WebSocket handshake refused: ${text.split('\r\n')[0]}`));
          return;
        }
        this.sock.on('data', (d) => this._onData(d));
        const rest = head.subarray(end + 4);
        if (rest.length) this._onData(rest);
        resolve(this);
      };
      this.sock.on('data', onData);
      this.sock.on('error', (e) => { clearTimeout(timer); reject(e); this._gone(e); });
      this.sock.on('close', () => this._gone(new Error('connection closed')));
      this.sock.on('connect', () => {
        this.sock.write([
          `GET ${u.pathname || '/'} HTTP/1.1`,
          `Host: ${u.host}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${key}`,
          'Sec-WebSocket-Version: 13',
          ...(origin ? [`Origin: ${origin}`] : []),
          '', '',
        ].join('\r\n'));
      });
    });
  }

  _gone(err) {
    if (this.closed) return;
    this.closed = true;
    for (const [, p] of this.pending) p.reject(err);
    this.pending.clear();
    for (const w of this.waiters) w.fail(err);
    this.waiters.clear();
    this.emit('close');
  }

  _send(opcode, payload) {
    const len = payload.length;
    const mask = crypto.randomBytes(4);
    let header;
    if (len < 126) {
      header = Buffer.from([0x80 | opcode, 0x80 | len]);
    } else if (len < 65536) {
      header = Buffer.alloc(4);
      header[0] = 0x80 | opcode; header[1] = 0x80 | 126; header.writeUInt16BE(len, 2);
    } else {
      header = Buffer.alloc(10);
      header[0] = 0x80 | opcode; header[1] = 0x80 | 127; header.writeBigUInt64BE(BigInt(len), 2);
    }
    const body = Buffer.alloc(len);
    for (let i = 0; i < len; i++) body[i] = payload[i] ^ mask[i & 3];
    this.sock.write(Buffer.concat([header, mask, body]));
  }

  _onData(chunk) {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.buf.length < 2) return;
      const fin = (this.buf[0] & 0x80) !== 0;
      const opcode = this.buf[0] & 0x0f;
      const masked = (this.buf[1] & 0x80) !== 0;
      let len = this.buf[1] & 0x7f;
      let off = 2;
      if (len === 126) { if (this.buf.length < 4) return; len = this.buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (this.buf.length < 10) return; len = Number(this.buf.readBigUInt64BE(2)); off = 10; }
      const maskOff = off;
      if (masked) off += 4;
      if (this.buf.length < off + len) return;
      let payload = this.buf.subarray(off, off + len);
      if (masked) {
        const m = this.buf.subarray(maskOff, maskOff + 4);
        payload = Buffer.from(payload.map((b, i) => b ^ m[i & 3]));
      }
      this.buf = this.buf.subarray(off + len);
      if (opcode === 0x9) { this._send(0xA, payload); continue; }          // ping -> pong
      if (opcode === 0xA) continue;                                       // pong
      if (opcode === 0x8) {                                               // close
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        try { this._send(0x8, payload.subarray(0, 2)); } catch (_) { /* gone */ }
        this.sock.end();
        continue;
      }
      if (opcode === 0x1 || opcode === 0x0) {
        this.fragments.push(payload);
        if (fin) {
          const text = Buffer.concat(this.fragments).toString('utf8');
          this.fragments = [];
          this._onMessage(text);
        }
      }
    }
  }

  _onMessage(text) {
    const msg = JSON.parse(text);
    for (const m of Array.isArray(msg) ? msg : [msg]) {
      if (m && 'id' in m && !('method' in m)) {
        const p = this.pending.get(m.id);
        if (!p) continue;
        this.pending.delete(m.id);
        if (m.error) {
          const e = new Error(`${p.method}: ${m.error.message} (${m.error.code})`);
          e.code = m.error.code;
          p.reject(e);
        } else {
          p.resolve(m.result);
        }
      } else if (m && typeof m.method === 'string') {
        if (m.method !== 'meterUpdate') this.notifications.push(m);
        for (const w of [...this.waiters]) w.check(m);
        this.emit('notification', m);
      }
    }
  }

  /**
   * A JSON-RPC request.
   * @returns {Promise<*>} the result; rejects with an Error carrying `.code`.
   */
  call(method, params, timeoutMs = 10000) {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    const id = this.nextId++;
    const msg = { jsonrpc: '2.0', id, method };
    if (params !== undefined) msg.params = params;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error(`${method}: no response in ${timeoutMs} ms`)); }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this._send(0x1, Buffer.from(JSON.stringify(msg)));
    });
  }

  /**
   * Resolves with the first notification (already received since `since`, or arriving later)
   * for which `pred(method, params)` is true; rejects after `timeoutMs`.
   * @param {(method: string, params: object) => boolean} pred
   * @param {{timeoutMs?: number, since?: number, what?: string}} [opts] `since` is an index into
   *   `notifications` (use `mark()`), default 0.
   */
  waitFor(pred, { timeoutMs = 10000, since = 0, what = 'notification' } = {}) {
    for (const m of this.notifications.slice(since)) if (pred(m.method, m.params ?? {})) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const w = {
        check: (m) => { if (pred(m.method, m.params ?? {})) { clearTimeout(w.timer); this.waiters.delete(w); resolve(m); } },
        fail: (e) => { clearTimeout(w.timer); reject(e); },
        timer: setTimeout(() => {
          this.waiters.delete(w);
          const seen = this.notifications.slice(since).map((m) => `${m.method} ${JSON.stringify(m.params)}`).join('\n  ');
          reject(new Error(`no ${what} within ${timeoutMs} ms; received:\n  ${seen || '(nothing)'}`));
        }, timeoutMs),
      };
      this.waiters.add(w);
    });
  }

  /** @returns {number} an index for waitFor's `since`. */
  mark() { return this.notifications.length; }

  close() {
    if (this.closed) return;
    try { this._send(0x8, Buffer.from([0x03, 0xe8])); } catch (_) { /* gone */ }
    this.sock.end();
    setTimeout(() => this.sock.destroy(), 500).unref();
  }
}
