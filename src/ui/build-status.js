// build-status.js: the status area for hot-reload events (buildStarted, buildFinished,
// parametersChanged) and the `getBuildStatus` snapshot a late tab fetches.
//
// #wc-build-status[data-state] is one of:
//   idle      no build seen (or the server has no hot reload)
//   building  a build is running ("Building…")
//   failed    the last build failed: diagnostics listed as file:line:column, severity, message
//   ok        the last build succeeded (and, after parametersChanged, what the reload changed)
//
// SPDX-License-Identifier: MIT

const count = (x) => (Array.isArray(x) ? x.length : Number.isFinite(x) ? x : 0);
const seconds = (ms) => `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
const clock = () => new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Renders build state into `#wc-build-status`. */
export class BuildStatusView {
  /**
   * @param {HTMLElement} root `#wc-build-status`
   */
  constructor(root) {
    this.root = root;
    this.summary = root.querySelector('.wc-build-summary');
    this.detail = root.querySelector('.wc-build-detail');
    this.list = root.querySelector('.wc-diagnostics');
    this.supported = true;
    this.setState('idle', 'Waiting for the dev server…');
  }

  setState(state, text, detail = '') {
    this.root.dataset.state = state;
    this.summary.textContent = text;
    this.detail.textContent = detail;
    this.detail.hidden = !detail;
    if (state !== 'failed') {
      this.list.replaceChildren();
      this.list.hidden = true;
    }
  }

  /**
   * A build status from the client (`buildstatus` event detail `status`).
   * @param {import('./wavecraft-client.js').BuildStatus|null} status
   */
  show(status) {
    if (!status) {
      this.supported = false;
      this.setState('idle', 'Hot reload is not available on this server');
      return;
    }
    const lb = status.last_build;
    if (status.state === 'building') {
      const n = status.files?.length ?? 0;
      const what = n === 1 ? status.files[0] : n > 1 ? `${n} files changed` : '';
      this.setState('building', 'Building…', what ? `${what} · build ${status.generation}` : `build ${status.generation}`);
    } else if (status.state === 'failed' || (lb && !lb.ok)) {
      this.showFailure(status);
    } else if (lb) {
      this.setState('ok', `Build succeeded in ${seconds(lb.duration_ms)}`, `build ${status.generation} · ${clock()}`);
    } else {
      this.setState('idle', 'Up to date — edit the engine and the controls follow');
    }
  }

  showFailure(status) {
    const lb = status.last_build ?? { duration_ms: 0, diagnostics: [] };
    const diags = lb.diagnostics ?? [];
    const errors = diags.filter((d) => d.severity === 'error' || d.severity === 'fatal').length;
    this.setState('failed',
      `Build failed${lb.duration_ms ? ` in ${seconds(lb.duration_ms)}` : ''}${errors ? ` — ${errors} error${errors === 1 ? '' : 's'}` : ''}`,
      diags.length ? 'Still running the last good build.' : 'Still running the last good build. The compiler output is in the terminal.');
    const items = diags.map((d) => {
      const li = document.createElement('li');
      li.className = 'wc-diag';
      li.dataset.severity = d.severity || 'error';
      const loc = document.createElement('code');
      loc.className = 'wc-diag-loc';
      loc.textContent = `${d.file}:${d.line}${d.column ? `:${d.column}` : ''}`;
      const sev = document.createElement('span');
      sev.className = 'wc-diag-severity';
      sev.textContent = d.severity || 'error';
      const msg = document.createElement('span');
      msg.className = 'wc-diag-message';
      msg.textContent = d.message;
      li.append(loc, sev, msg);
      return li;
    });
    this.list.replaceChildren(...items);
    this.list.hidden = items.length === 0;
  }

  /**
   * After `parametersChanged` and the re-fetch.
   * @param {object} change the notification's params ({generation, added, removed, changed})
   * @param {number} total parameters now shown
   */
  showReload(change, total) {
    const parts = [`+${count(change?.added)} new`, `−${count(change?.removed)} removed`];
    const changed = count(change?.changed);
    if (changed) parts.push(`${changed} changed`);
    this.setState('ok', `Hot reload complete — ${total} parameter${total === 1 ? '' : 's'} (${parts.join(', ')})`,
      `${change?.generation ? `build ${change.generation} · ` : ''}${clock()}`);
  }
}
