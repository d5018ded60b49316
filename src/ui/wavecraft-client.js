// wavecraft-client.js: a reusable JSON-RPC 2.0 over WebSocket client for the Wavecraft dev
// server (PROTOCOL.md §4). Plain ES module, no dependencies: a project's own UI can import it.
//
//   import { WavecraftClient } from './wavecraft-client.js';
//   const client = new WavecraftClient();            // ws://<page host>/ or ?ws=<url>
//   client.addEventListener('parameters', (e) => render(e.detail.parameters));
//   client.addEventListener('parameterChanged', (e) => update(e.detail.id, e.detail.value));
//   client.connect();
//   await client.setParameter('rate', 4.5);
//
// SPDX-License-Identifier: MIT

/** JSON-RPC error codes of PROTOCOL.md §4, plus two client-side codes. */
export const ErrorCode = Object.freeze({
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  PARAMETER_NOT_FOUND: -32000,
  OUT_OF_RANGE: -32001,
  /** Client-side: the connection closed (or was never open) before a response arrived. */
  DISCONNECTED: -1,
  /** Client-side: no response within the request timeout. */
  TIMEOUT: -2,
});

/** Connection states, as reported by {@link WavecraftClient#state}. */
export const ConnectionState = Object.freeze({
  CONNECTING: 'connecting',
  OPEN: 'open',
  CLOSED: 'closed',
});

/**
 * A JSON-RPC error response (or a client-side failure: {@link ErrorCode.DISCONNECTED},
 * {@link ErrorCode.TIMEOUT}).
 */
export class RpcError extends Error {
  /**
   * @param {number} code JSON-RPC error code.
   * @param {string} message Human-readable message as the server sent it.
   * @param {string} method The method of the failed request.
   * @param {*} [data] The error's optional `data` member.
   */
  constructor(code, message, method, data) {
    super(message);
    this.name = 'RpcError';
    /** @type {number} */
    this.code = code;
    /** @type {string} */
    this.method = method;
    /** @type {*} */
    this.data = data;
  }
}

/**
 * A parameter as described by PROTOCOL.md §3, normalised: `type` defaults to `"float"` and
 * `value` to `default`.
 * @typedef {object} ParameterInfo
 * @property {string} id
 * @property {string} name
 * @property {'float'|'bool'|'enum'} type
 * @property {number} value Plain units (bool 0/1, enum index).
 * @property {number} default
 * @property {number} min
 * @property {number} max
 * @property {string} [unit]
 * @property {string} [group]
 * @property {string[]} [variants]
 */

/**
 * A meter frame with linear levels (1.0 = 0 dBFS).
 * @typedef {object} MeterFrame
 * @property {number} peakL
 * @property {number} peakR
 * @property {number} rmsL
 * @property {number} rmsR
 * @property {number} timestamp Milliseconds, as the server reported it (may be 0).
 * @property {'push'|'poll'} source Whether it came from `meterUpdate` or `getMeterFrame`.
 */

/**
 * Build state as returned by `getBuildStatus` and kept current by `buildStarted` /
 * `buildFinished` notifications.
 * @typedef {object} BuildStatus
 * @property {'idle'|'building'|'failed'} state
 * @property {number} generation
 * @property {{ok: boolean, duration_ms: number, diagnostics: Diagnostic[]}|null} last_build
 * @property {string[]} [files] Files of the running build, when `buildStarted` named them.
 */

/**
 * @typedef {object} Diagnostic
 * @property {string} file
 * @property {number} line
 * @property {number} [column]
 * @property {string} [severity] "error", "warning", "note"
 * @property {string} message
 */

const finite = (v) => typeof v === 'number' && Number.isFinite(v);

/**
 * Normalises one ParameterInfo from the wire (PROTOCOL.md §3 defaults applied).
 * @param {object} p Raw object.
 * @returns {ParameterInfo|null} null when it has no usable id.
 */
export function normalizeParameter(p) {
  if (!p || typeof p !== 'object' || typeof p.id !== 'string' || p.id === '') return null;
  const type = p.type === 'bool' || p.type === 'enum' ? p.type : 'float';
  const variants = type === 'enum' && Array.isArray(p.variants) ? p.variants.map(String) : undefined;
  let min = finite(p.min) ? p.min : 0;
  let max = finite(p.max) ? p.max : 1;
  if (type === 'bool') { min = 0; max = 1; }
  if (type === 'enum' && variants) { min = 0; max = Math.max(0, variants.length - 1); }
  const def = toNumber(p.default, min);
  const out = {
    id: p.id,
    name: typeof p.name === 'string' && p.name !== '' ? p.name : p.id,
    type,
    value: toNumber(p.value, def),
    default: def,
    min,
    max,
  };
  if (typeof p.unit === 'string' && p.unit !== '') out.unit = p.unit;
  if (typeof p.group === 'string' && p.group !== '') out.group = p.group;
  if (variants) out.variants = variants;
  return out;
}

/**
 * Converts a wire value to a number: `true`/`false` become 1/0 (PROTOCOL.md §4, bool values).
 * @param {*} v
 * @param {number} [fallback]
 * @returns {number}
 */
export function toNumber(v, fallback = 0) {
  if (v === true) return 1;
  if (v === false) return 0;
  return finite(v) ? v : fallback;
}

/**
 * Linear amplitude to dBFS, floored.
 * @param {number} linear Linear level (1.0 = 0 dBFS).
 * @param {number} [floorDb=-60] Lowest value returned, in dB.
 * @returns {number} dB, at least `floorDb`.
 */
export function linearToDb(linear, floorDb = -60) {
  if (!finite(linear) || linear <= 0) return floorDb;
  return Math.max(floorDb, 20 * Math.log10(linear));
}

/**
 * The default WebSocket URL for a page served by the dev server: the `?ws=` query parameter when
 * present, otherwise the page's own host and port (`ws://host:port/`, `wss:` under https).
 * @param {Location} [loc=globalThis.location]
 * @returns {string|null} null outside a browser.
 */
export function defaultUrl(loc = globalThis.location) {
  if (!loc || !loc.host) return null;
  try {
    const override = new URLSearchParams(loc.search).get('ws');
    if (override) return override;
  } catch (_) { /* no query string support */ }
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/`;
}

/**
 * Client for the Wavecraft dev server: JSON-RPC 2.0 over one WebSocket with automatic
 * reconnection that never gives up and a full state refresh on every (re)connect.
 *
 * Events (all `CustomEvent`s; `detail` as listed):
 * - `statechange` `{state, previous, attempt, retryInMs}`: connection state changed;
 *   `retryInMs` is set while closed and a reconnect is scheduled.
 * - `open` / `close` `{code, reason, wasClean}`: socket-level transitions.
 * - `parameters` `{parameters: ParameterInfo[], reason: 'connect'|'parametersChanged'|'refresh', change}`:
 *   the full list, after connecting and after every `parametersChanged` notification (`change`
 *   holds that notification's params).
 * - `buildstatus` `{status: BuildStatus|null, reason}`: build state changed (`null` when the
 *   server has no `getBuildStatus`).
 * - `meter` `MeterFrame`: from `meterUpdate` pushes and {@link WavecraftClient#getMeterFrame}.
 * - `notification` `{method, params}`: every server notification, then an event named after its
 *   method (`parameterChanged`, `parametersChanged`, `meterUpdate`, `buildStarted`,
 *   `buildFinished`, or any other) with `detail` = params.
 * - `rpcerror` `RpcError`: a request of the automatic refresh failed, or a message from the
 *   server could not be understood.
 *
 * @extends EventTarget
 */
export class WavecraftClient extends EventTarget {
  /**
   * @param {object} [options]
   * @param {string} [options.url] WebSocket URL; default {@link defaultUrl}().
   * @param {boolean} [options.autoConnect=false] Call {@link WavecraftClient#connect} now.
   * @param {boolean} [options.autoRefresh=true] Fetch parameters and build status on every
   *   connect and after `parametersChanged`.
   * @param {number} [options.minRetryMs=250] First reconnect delay, in ms.
   * @param {number} [options.maxRetryMs=5000] Cap of the doubling reconnect delay, in ms.
   * @param {number} [options.jitter=0.3] Fraction (0..1) of each delay that is randomised.
   * @param {number} [options.connectTimeoutMs=5000] A socket still connecting after this is
   *   abandoned and retried, in ms.
   * @param {number} [options.requestTimeoutMs=10000] Pending requests fail with
   *   {@link ErrorCode.TIMEOUT} after this, in ms; 0 disables.
   * @param {typeof WebSocket} [options.WebSocket] WebSocket implementation (tests, Node).
   */
  constructor(options = {}) {
    super();
    const url = options.url ?? defaultUrl();
    if (!url) throw new TypeError('WavecraftClient: no url given and no page location to derive one from');
    this._url = url;
    this._WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this._autoRefresh = options.autoRefresh ?? true;
    this._minRetryMs = options.minRetryMs ?? 250;
    this._maxRetryMs = options.maxRetryMs ?? 5000;
    this._jitter = Math.min(1, Math.max(0, options.jitter ?? 0.3));
    this._connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this._requestTimeoutMs = options.requestTimeoutMs ?? 10000;

    this._ws = null;
    this._state = ConnectionState.CLOSED;
    this._wanted = false;            // connect() called and close() not since
    this._attempt = 0;               // consecutive failed attempts
    this._retryTimer = null;
    this._retryAt = 0;
    this._connectTimer = null;
    this._nextId = 1;
    this._pending = new Map();       // id -> {resolve, reject, method, timer}
    this._refreshSeq = 0;

    /** @type {Map<string, ParameterInfo>} */
    this._parameters = new Map();
    /** @type {BuildStatus|null} */
    this._buildStatus = null;
    this._hasBuildStatus = true;     // until the server answers -32601
    this._hasMeterFrame = true;

    if (options.autoConnect) this.connect();
  }

  /** @returns {string} The WebSocket URL. */
  get url() { return this._url; }

  /** @returns {'connecting'|'open'|'closed'} Current connection state. */
  get state() { return this._state; }

  /** @returns {number} Consecutive failed connection attempts since the last open. */
  get attempt() { return this._attempt; }

  /** @returns {number} ms until the scheduled reconnect, or 0 when none is scheduled. */
  get retryInMs() { return this._retryTimer ? Math.max(0, this._retryAt - Date.now()) : 0; }

  /**
   * The latest known parameters, in server order, with values kept current by
   * `parameterChanged`. Borrowed: do not modify.
   * @returns {ParameterInfo[]}
   */
  get parameters() { return [...this._parameters.values()]; }

  /**
   * @param {string} id
   * @returns {ParameterInfo|undefined} The latest known info and value of one parameter.
   */
  parameter(id) { return this._parameters.get(id); }

  /** @returns {BuildStatus|null} Latest build status, or null when unknown or unsupported. */
  get buildStatus() { return this._buildStatus; }

  /**
   * Opens the connection (idempotent). From now on the client reconnects whenever the
   * socket closes, until {@link WavecraftClient#close}.
   */
  connect() {
    this._wanted = true;
    if (this._ws) return;
    this._clearRetry();
    this._open();
  }

  /**
   * Closes the connection and stops reconnecting. Pending requests fail with
   * {@link ErrorCode.DISCONNECTED}.
   * @param {number} [code=1000] WebSocket close code.
   * @param {string} [reason='']
   */
  close(code = 1000, reason = '') {
    this._wanted = false;
    this._clearRetry();
    const ws = this._ws;
    if (ws) {
      this._detach(ws);
      try { ws.close(code, reason); } catch (_) { /* already closing */ }
      this._onSocketGone({ code, reason, wasClean: true });
    }
  }

  /**
   * Skips the remaining back-off delay and tries to connect now (e.g. from a "Retry" button).
   */
  reconnectNow() {
    if (!this._wanted) { this.connect(); return; }
    if (this._ws) return;
    this._clearRetry();
    this._open();
  }

  /**
   * Sends a JSON-RPC request.
   * @param {string} method
   * @param {object} [params] Omitted from the message when undefined.
   * @param {object} [opts]
   * @param {number} [opts.timeoutMs] Overrides the client's request timeout, in ms.
   * @returns {Promise<*>} The `result`; rejects with an {@link RpcError}.
   */
  call(method, params, opts = {}) {
    if (this._state !== ConnectionState.OPEN || !this._ws) {
      return Promise.reject(new RpcError(ErrorCode.DISCONNECTED, 'Not connected to the dev server', method));
    }
    const id = this._nextId++;
    const msg = { jsonrpc: '2.0', id, method };
    if (params !== undefined) msg.params = params;
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject, method, timer: null };
      const timeout = opts.timeoutMs ?? this._requestTimeoutMs;
      if (timeout > 0) {
        entry.timer = setTimeout(() => {
          this._pending.delete(id);
          reject(new RpcError(ErrorCode.TIMEOUT, `No response to ${method} within ${timeout} ms`, method));
        }, timeout);
      }
      this._pending.set(id, entry);
      try {
        this._ws.send(JSON.stringify(msg));
      } catch (e) {
        this._pending.delete(id);
        clearTimeout(entry.timer);
        reject(new RpcError(ErrorCode.DISCONNECTED, `Could not send ${method}: ${e.message}`, method));
      }
    });
  }

  /**
   * Sends a JSON-RPC notification (no `id`, no response).
   * @param {string} method
   * @param {object} [params]
   * @returns {boolean} false when not connected.
   */
  notify(method, params) {
    if (this._state !== ConnectionState.OPEN || !this._ws) return false;
    const msg = { jsonrpc: '2.0', method };
    if (params !== undefined) msg.params = params;
    try { this._ws.send(JSON.stringify(msg)); return true; } catch (_) { return false; }
  }

  /**
   * `getAllParameters`; also updates {@link WavecraftClient#parameters}.
   * @returns {Promise<ParameterInfo[]>}
   */
  async getAllParameters() {
    const res = await this.call('getAllParameters');
    const list = Array.isArray(res?.parameters) ? res.parameters : [];
    const map = new Map();
    for (const raw of list) {
      const p = normalizeParameter(raw);
      if (p) map.set(p.id, p);
    }
    this._parameters = map;
    return this.parameters;
  }

  /**
   * `getParameter`.
   * @param {string} id
   * @returns {Promise<number>} The value in plain units.
   */
  async getParameter(id) {
    const res = await this.call('getParameter', { id });
    const value = toNumber(res?.value, NaN);
    const p = this._parameters.get(id);
    if (p && Number.isFinite(value)) p.value = value;
    return value;
  }

  /**
   * `setParameter`. Resolves once the server accepted the value; `parameterChanged` follows.
   * @param {string} id
   * @param {number|boolean} value Plain units; bool as 0/1 or true/false; enum as index.
   * @returns {Promise<void>} Rejects with {@link ErrorCode.PARAMETER_NOT_FOUND},
   *   {@link ErrorCode.OUT_OF_RANGE}, {@link ErrorCode.INVALID_PARAMS}, ...
   */
  async setParameter(id, value) {
    const v = toNumber(value, NaN);
    await this.call('setParameter', { id, value: v });
    const p = this._parameters.get(id);
    if (p) p.value = v;
  }

  /**
   * `getMeterFrame`; dispatches a `meter` event when a frame is available.
   * @returns {Promise<MeterFrame|null>} null when the server has no frame (or no such method).
   */
  async getMeterFrame() {
    if (!this._hasMeterFrame) return null;
    let res;
    try {
      res = await this.call('getMeterFrame');
    } catch (e) {
      if (e.code === ErrorCode.METHOD_NOT_FOUND) { this._hasMeterFrame = false; return null; }
      throw e;
    }
    const f = res?.frame;
    if (!f) return null;
    const frame = {
      peakL: toNumber(f.peak_l), peakR: toNumber(f.peak_r),
      rmsL: toNumber(f.rms_l), rmsR: toNumber(f.rms_r),
      timestamp: toNumber(f.timestamp), source: 'poll',
    };
    this._emit('meter', frame);
    return frame;
  }

  /**
   * `getBuildStatus`, an extension of the hot-reload server; also updates
   * {@link WavecraftClient#buildStatus}.
   * @returns {Promise<BuildStatus|null>} null when the server does not implement it (-32601).
   */
  async getBuildStatus() {
    if (!this._hasBuildStatus) return null;
    try {
      const res = await this.call('getBuildStatus');
      this._buildStatus = normalizeBuildStatus(res);
      return this._buildStatus;
    } catch (e) {
      if (e.code === ErrorCode.METHOD_NOT_FOUND) { this._hasBuildStatus = false; return null; }
      throw e;
    }
  }

  /**
   * `ping`.
   * @returns {Promise<boolean>} true when the server answered `{"pong":true}`.
   */
  async ping() {
    const res = await this.call('ping');
    return res?.pong === true;
  }

  /**
   * Re-fetches the parameter list and the build status, then dispatches `parameters` and
   * `buildstatus`. Done automatically on every connect and after `parametersChanged` (unless
   * `autoRefresh` is false). Overlapping refreshes are collapsed: only the newest one's result
   * is dispatched.
   * @param {string} [reason='refresh']
   * @param {object} [change] The `parametersChanged` params that triggered it.
   * @returns {Promise<ParameterInfo[]|null>} null when superseded or failed.
   */
  async refresh(reason = 'refresh', change = undefined) {
    const seq = ++this._refreshSeq;
    try {
      // After parametersChanged only the list is stale: build state arrives by notification.
      const withStatus = reason !== 'parametersChanged';
      const [params, status] = await Promise.all([
        this.getAllParameters(),
        withStatus
          ? this.getBuildStatus().catch((e) => { this._emit('rpcerror', e); return this._buildStatus; })
          : null,
      ]);
      if (seq !== this._refreshSeq) return null;
      this._emit('parameters', { parameters: params, reason, change });
      if (withStatus) this._emit('buildstatus', { status, reason });
      return params;
    } catch (e) {
      if (seq === this._refreshSeq && e.code !== ErrorCode.DISCONNECTED) this._emit('rpcerror', e);
      return null;
    }
  }

  // ---- internals ----

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  _setState(state, extra = {}) {
    const previous = this._state;
    if (previous === state && !('retryInMs' in extra)) return;
    this._state = state;
    this._emit('statechange', { state, previous, attempt: this._attempt, ...extra });
  }

  _open() {
    let ws;
    this._setState(ConnectionState.CONNECTING);
    try {
      ws = new this._WebSocket(this._url);
    } catch (e) {
      // A malformed URL throws synchronously: treat it like a failed attempt.
      this._emit('rpcerror', new RpcError(ErrorCode.DISCONNECTED, `Cannot connect to ${this._url}: ${e.message}`, 'connect'));
      this._onSocketGone({ code: 1006, reason: e.message, wasClean: false });
      return;
    }
    this._ws = ws;
    this._connectTimer = setTimeout(() => {
      if (this._ws === ws && ws.readyState === 0) {
        this._detach(ws);
        try { ws.close(); } catch (_) { /* ignore */ }
        this._onSocketGone({ code: 1006, reason: 'connect timeout', wasClean: false });
      }
    }, this._connectTimeoutMs);
    ws.onopen = () => {
      if (this._ws !== ws) return;
      clearTimeout(this._connectTimer);
      this._connectTimer = null;
      this._attempt = 0;
      this._setState(ConnectionState.OPEN);
      this._emit('open', {});
      if (this._autoRefresh) this.refresh('connect');
    };
    ws.onmessage = (ev) => { if (this._ws === ws) this._onMessage(ev.data); };
    ws.onclose = (ev) => {
      if (this._ws !== ws) return;
      this._detach(ws);
      this._onSocketGone({ code: ev.code, reason: ev.reason, wasClean: ev.wasClean });
    };
    ws.onerror = () => { /* a close event always follows */ };
  }

  _detach(ws) {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    if (this._ws === ws) this._ws = null;
    clearTimeout(this._connectTimer);
    this._connectTimer = null;
  }

  _onSocketGone(info) {
    const wasOpen = this._state === ConnectionState.OPEN;
    this._ws = null;
    this._refreshSeq++;
    for (const [, entry] of this._pending) {
      clearTimeout(entry.timer);
      entry.reject(new RpcError(ErrorCode.DISCONNECTED, 'Connection to the dev server closed', entry.method));
    }
    this._pending.clear();
    if (wasOpen) this._emit('close', info);
    if (!this._wanted) {
      this._setState(ConnectionState.CLOSED);
      return;
    }
    const delay = this._nextDelay();
    this._attempt++;
    this._retryAt = Date.now() + delay;
    this._retryTimer = setTimeout(() => {
      this._retryTimer = null;
      if (this._wanted && !this._ws) this._open();
    }, delay);
    this._setState(ConnectionState.CLOSED, { retryInMs: delay, code: info.code, reason: info.reason });
  }

  _nextDelay() {
    const base = Math.min(this._maxRetryMs, this._minRetryMs * 2 ** Math.min(this._attempt, 20));
    // Randomise a fraction of the delay so many tabs do not reconnect in lockstep.
    return Math.round(base * (1 - this._jitter) + Math.random() * base * this._jitter);
  }

  _clearRetry() {
    if (this._retryTimer) clearTimeout(this._retryTimer);
    this._retryTimer = null;
    this._retryAt = 0;
  }

  _onMessage(data) {
    if (typeof data !== 'string') return; // the protocol is text-only
    let msg;
    try {
      msg = JSON.parse(data);
    } catch (e) {
      this._emit('rpcerror', new RpcError(ErrorCode.PARSE_ERROR, `Unreadable message from the dev server: ${e.message}`, ''));
      return;
    }
    const messages = Array.isArray(msg) ? msg : [msg];
    for (const m of messages) this._handle(m);
  }

  _handle(m) {
    if (!m || typeof m !== 'object') return;
    if ('id' in m && m.id !== null && !('method' in m)) {
      const entry = this._pending.get(m.id);
      if (!entry) return; // late response after a timeout
      this._pending.delete(m.id);
      clearTimeout(entry.timer);
      if (m.error) {
        const err = m.error;
        entry.reject(new RpcError(toNumber(err.code, ErrorCode.INTERNAL_ERROR),
          typeof err.message === 'string' ? err.message : 'Unknown error', entry.method, err.data));
      } else {
        entry.resolve(m.result);
      }
      return;
    }
    if ('id' in m && m.id === null && m.error) {
      // An error the server could not tie to a request (parse error of something we sent).
      this._emit('rpcerror', new RpcError(toNumber(m.error.code), String(m.error.message ?? ''), ''));
      return;
    }
    if (typeof m.method === 'string') this._onNotification(m.method, m.params ?? {});
  }

  _onNotification(method, params) {
    switch (method) {
      case 'parameterChanged': {
        const p = this._parameters.get(params.id);
        if (p) p.value = toNumber(params.value, p.value);
        break;
      }
      case 'meterUpdate':
        this._emit('meter', {
          peakL: toNumber(params.left_peak), peakR: toNumber(params.right_peak),
          rmsL: toNumber(params.left_rms), rmsR: toNumber(params.right_rms),
          timestamp: toNumber(params.timestamp_us) / 1000, source: 'push',
        });
        break;
      case 'buildStarted': {
        const prev = this._buildStatus;
        this._buildStatus = {
          state: 'building',
          generation: toNumber(params.generation, prev ? prev.generation + 1 : 1),
          last_build: prev ? prev.last_build : null,
          files: Array.isArray(params.files) ? params.files.map(String) : [],
        };
        this._emit('buildstatus', { status: this._buildStatus, reason: method });
        break;
      }
      case 'buildFinished': {
        const prev = this._buildStatus;
        const generation = toNumber(params.generation, prev ? prev.generation : 0);
        // A superseded build's result never replaces a newer build's state.
        if (prev && prev.state === 'building' && generation < prev.generation) break;
        this._buildStatus = {
          state: params.ok ? 'idle' : 'failed',
          generation,
          last_build: {
            ok: !!params.ok,
            duration_ms: toNumber(params.duration_ms),
            diagnostics: normalizeDiagnostics(params.diagnostics),
          },
        };
        this._emit('buildstatus', { status: this._buildStatus, reason: method });
        break;
      }
      default:
        break;
    }
    this._emit('notification', { method, params });
    this._emit(method, params);
    if (method === 'parametersChanged' && this._autoRefresh) this.refresh('parametersChanged', params);
  }
}

function normalizeDiagnostics(list) {
  if (!Array.isArray(list)) return [];
  return list.filter((d) => d && typeof d === 'object').map((d) => ({
    file: typeof d.file === 'string' ? d.file : '',
    line: toNumber(d.line),
    column: toNumber(d.column),
    severity: typeof d.severity === 'string' ? d.severity : 'error',
    message: typeof d.message === 'string' ? d.message : '',
  }));
}

/**
 * Normalises a `getBuildStatus` result.
 * @param {object} res
 * @returns {BuildStatus}
 */
export function normalizeBuildStatus(res) {
  const state = res?.state === 'building' || res?.state === 'failed' ? res.state : 'idle';
  const lb = res?.last_build;
  return {
    state,
    generation: toNumber(res?.generation),
    last_build: lb && typeof lb === 'object'
      ? { ok: !!lb.ok, duration_ms: toNumber(lb.duration_ms), diagnostics: normalizeDiagnostics(lb.diagnostics) }
      : null,
  };
}

export default WavecraftClient;
