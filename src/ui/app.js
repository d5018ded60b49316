// app.js: the built-in browser UI of `wavecraft start`. Wires a WavecraftClient to the
// connection indicator, the error banner, the build status area, the parameter controls and
// the meters. `window.wavecraft` = {client, params, meters, build} for devtools and tests.
//
// SPDX-License-Identifier: MIT

import { WavecraftClient, ErrorCode } from './wavecraft-client.js';
import { ParamsView } from './params.js';
import { MetersView } from './meters.js';
import { BuildStatusView } from './build-status.js';

const $ = (sel) => document.querySelector(sel);

/** The error banner: one line per key, newest last; a key is replaced or cleared. */
class ErrorBanner {
  constructor(root) {
    this.root = root;
    this.list = root.querySelector('.wc-error-list');
    this.messages = new Map();
    this.dismiss = root.querySelector('.wc-dismiss');
    this.dismiss.addEventListener('click', () => {
      // Connection trouble stays visible while it lasts.
      for (const key of [...this.messages.keys()]) if (key !== 'connection') this.messages.delete(key);
      this.render();
    });
  }

  showError(key, message) {
    this.messages.delete(key);
    this.messages.set(key, message);
    while (this.messages.size > 4) this.messages.delete(this.messages.keys().next().value);
    this.render();
  }

  clearError(key) {
    if (this.messages.delete(key)) this.render();
  }

  render() {
    this.list.replaceChildren(...[...this.messages].map(([key, msg]) => {
      const li = document.createElement('li');
      li.dataset.key = key;
      li.textContent = msg;
      return li;
    }));
    this.root.hidden = this.messages.size === 0;
    this.dismiss.hidden = ![...this.messages.keys()].some((k) => k !== 'connection');
    this.root.dataset.count = String(this.messages.size);
  }
}

/** `#wc-connection`: data-state connecting | open | closed, with a retry countdown. */
class ConnectionView {
  constructor(root, client) {
    this.root = root;
    this.client = client;
    this.text = root.querySelector('.wc-connection-text');
    this.retry = root.querySelector('.wc-retry');
    this.timer = 0;
    this.everOpen = false;
    this.retry.addEventListener('click', () => client.reconnectNow());
  }

  update() {
    const { state } = this.client;
    this.root.dataset.state = state;
    clearInterval(this.timer);
    this.timer = 0;
    this.retry.hidden = state !== 'closed';
    if (state === 'open') {
      this.everOpen = true;
      this.text.textContent = 'Connected';
      this.root.title = `Connected to ${this.client.url}`;
    } else if (state === 'connecting') {
      this.text.textContent = this.everOpen ? 'Reconnecting…' : 'Connecting…';
      this.root.title = `Connecting to ${this.client.url}`;
    } else {
      const tick = () => {
        const s = Math.ceil(this.client.retryInMs / 1000);
        this.text.textContent = s > 0 ? `Disconnected — retrying in ${s} s` : 'Disconnected';
      };
      tick();
      this.timer = setInterval(tick, 250);
      this.root.title = `Not connected to ${this.client.url}`;
    }
  }
}

function main() {
  const client = new WavecraftClient();
  const banner = new ErrorBanner($('#wc-error-banner'));
  const connection = new ConnectionView($('#wc-connection'), client);
  const build = new BuildStatusView($('#wc-build-status'));
  const fieldset = $('#wc-param-fieldset');
  const empty = $('#wc-params-empty');
  const params = new ParamsView($('#wc-param-groups'), client, banner);
  const meters = new MetersView($('#wc-meters'), client);
  let loaded = false;

  const showCount = () => {
    $('#wc-param-count').textContent = loaded ? `${params.size}` : '';
    empty.hidden = loaded && params.size > 0;
    empty.textContent = loaded ? 'This plugin has no parameters.' : 'Waiting for parameters…';
  };

  client.addEventListener('statechange', (e) => {
    connection.update();
    const { state, code } = e.detail;
    fieldset.disabled = state !== 'open';
    if (state === 'open') {
      banner.clearError('connection');
    } else if (state === 'closed' && (e.detail.previous === 'open' || connection.everOpen)) {
      banner.showError('connection',
        `Lost the connection to the dev server${code && code !== 1006 ? ` (code ${code})` : ''}. ` +
        'Reconnecting automatically; the controls come back when it is running again.');
    } else if (state === 'closed' && client.attempt >= 3) {
      banner.showError('connection', `Cannot reach the dev server at ${client.url}. Is “wavecraft start” running? Retrying…`);
    }
  });

  client.addEventListener('parameters', (e) => {
    const { parameters, reason, change } = e.detail;
    params.setParameters(parameters, { highlightNew: loaded && reason === 'parametersChanged' });
    loaded = true;
    showCount();
    if (reason === 'parametersChanged') build.showReload(change, parameters.length);
    document.documentElement.dataset.wcParameters = String(params.size);
  });

  client.addEventListener('parameterChanged', (e) => {
    const { id, value } = e.detail ?? {};
    const p = client.parameter(id);
    if (p) params.onParameterChanged(id, p.value);
    else if (typeof id === 'string' && Number.isFinite(value)) params.onParameterChanged(id, value);
  });

  client.addEventListener('buildstatus', (e) => build.show(e.detail.status));

  client.addEventListener('rpcerror', (e) => {
    const err = e.detail;
    if (err.code === ErrorCode.DISCONNECTED) return;
    banner.showError(`rpc:${err.method || 'server'}`,
      `${err.method ? `${err.method}: ` : ''}${err.message}${Number.isFinite(err.code) && err.code <= -32000 ? ` (${err.code})` : ''}`);
  });

  // Coming back to the tab or the network: skip what is left of the back-off.
  const retrySoon = () => { if (client.state === 'closed' && !document.hidden) client.reconnectNow(); };
  document.addEventListener('visibilitychange', retrySoon);
  window.addEventListener('online', retrySoon);

  window.wavecraft = { client, params, meters, build, banner };
  showCount();
  connection.update();
  client.connect();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main, { once: true });
else main();
