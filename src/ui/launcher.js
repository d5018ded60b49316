// launcher.js: the Wavecraft launcher page. Lists the recent projects, starts, opens and
// stops them through the launcher server's JSON-RPC methods (src/wc-launcher.c):
// getStrings, listRecentProjects, openProject, stopProject, forgetProject.
//
// SPDX-License-Identifier: MIT

const POLL_MS = 1500;

let socket = null;
let nextId = 1;
const pending = new Map();
let strings = {};
let pollTimer = 0;
const wantOpen = new Set();   // roots to open in a tab once they run

function t(key, fallback) {
  return strings[key] || fallback;
}

function call(method, params) {
  return new Promise((resolve, reject) => {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      reject(new Error('disconnected'));
      return;
    }
    const id = nextId++;
    pending.set(id, { resolve, reject });
    const request = { jsonrpc: '2.0', id, method };
    if (params !== undefined) request.params = params;
    socket.send(JSON.stringify(request));
  });
}

function onMessage(event) {
  let message;
  try {
    message = JSON.parse(event.data);
  } catch {
    return;
  }
  if (typeof message !== 'object' || message === null || !pending.has(message.id)) return;
  const { resolve, reject } = pending.get(message.id);
  pending.delete(message.id);
  if (message.error) reject(new Error(message.error.message));
  else resolve(message.result);
}

function applyStrings() {
  for (const el of document.querySelectorAll('[data-i18n]')) {
    const text = strings[el.dataset.i18n];
    if (text) el.textContent = text;
  }
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) {
    const text = strings[el.dataset.i18nPlaceholder];
    if (text) el.placeholder = text;
  }
  if (strings.title) document.title = strings.title;
}

function button(label, onClick, primary = false) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (primary) b.classList.add('wl-primary');
  b.addEventListener('click', onClick);
  return b;
}

function projectState(p) {
  if (!p.exists) return ['missing', t('missing', 'Folder not found')];
  if (p.running && p.ready) {
    return p.state === 'failed' ? ['failed', t('failed', 'Build failed')]
                                : ['running', t('running', 'Running')];
  }
  if (p.running) return ['starting', t('starting', 'Building…')];
  if (p.error) return ['failed', p.error];
  return ['', ''];
}

async function openProject(root) {
  wantOpen.add(root);
  try {
    await call('openProject', { root });
  } catch (e) {
    wantOpen.delete(root);
    showOpenError(e.message);
  }
  refresh();
}

function render(projects) {
  const list = document.getElementById('wl-projects');
  document.getElementById('wl-none').hidden = projects.length > 0;
  list.replaceChildren();
  for (const p of projects) {
    const [state, stateText] = projectState(p);
    const li = document.createElement('li');
    li.className = 'wl-project';

    const text = document.createElement('div');
    text.className = 'wl-project-text';
    const name = document.createElement('div');
    name.className = 'wl-project-name';
    name.textContent = p.name;
    const root = document.createElement('div');
    root.className = 'wl-project-root';
    root.textContent = p.root;
    text.append(name, root);
    if (stateText) {
      const s = document.createElement('div');
      s.className = 'wl-project-state';
      s.dataset.state = state;
      s.textContent = stateText;
      text.append(s);
    }

    const actions = document.createElement('div');
    actions.className = 'wl-project-actions';
    if (p.running && p.ready) {
      actions.append(button(t('open', 'Open'), () => window.open(p.ui_url, '_blank'), true));
      actions.append(button(t('stop', 'Stop'), () => call('stopProject', { root: p.root }).then(refresh, refresh)));
    } else if (p.running) {
      actions.append(button(t('stop', 'Stop'), () => call('stopProject', { root: p.root }).then(refresh, refresh)));
    } else {
      const start = button(t('start', 'Start'), () => openProject(p.root), true);
      start.disabled = !p.exists;
      actions.append(start);
      actions.append(button(t('forget', 'Forget'), () => call('forgetProject', { root: p.root }).then(refresh, refresh)));
    }
    li.append(text, actions);
    list.append(li);

    if (p.running && p.ready && wantOpen.has(p.root)) {
      wantOpen.delete(p.root);
      window.open(p.ui_url, '_blank');
    } else if (!p.running && p.error) {
      wantOpen.delete(p.root);
    }
  }
}

async function refresh() {
  try {
    const result = await call('listRecentProjects');
    render(result.projects || []);
  } catch {
    // The next poll or the reconnect shows the state.
  }
}

function showOpenError(message) {
  const el = document.getElementById('wl-open-error');
  el.textContent = message || '';
  el.hidden = !message;
}

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  socket = new WebSocket(`${scheme}//${location.host}/`);
  socket.addEventListener('message', onMessage);
  socket.addEventListener('open', async () => {
    document.getElementById('wl-banner').hidden = true;
    try {
      strings = (await call('getStrings')).strings || {};
      applyStrings();
    } catch {
      // Keep the English text of the page.
    }
    refresh();
    clearInterval(pollTimer);
    pollTimer = setInterval(refresh, POLL_MS);
  });
  socket.addEventListener('close', () => {
    clearInterval(pollTimer);
    for (const { reject } of pending.values()) reject(new Error('disconnected'));
    pending.clear();
    const banner = document.getElementById('wl-banner');
    banner.textContent = t('disconnected', 'Wavecraft stopped. Click the launcher icon to open this page again.');
    banner.hidden = false;
  });
}

document.getElementById('wl-open-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const path = document.getElementById('wl-path').value.trim();
  showOpenError('');
  if (path) openProject(path);
});

connect();
