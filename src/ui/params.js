// params.js: parameter controls of the built-in UI, one per ParameterInfo, grouped by `group`,
// reconciled in place when the list changes (hot reload) so existing controls keep their state.
//
// DOM hooks (stable, used by tests and by people's devtools):
//   .wc-param[data-param-id="<id>"][data-type="float|bool|enum"]   control root
//     input.wc-slider  input.wc-number  output.wc-value              float
//     input.wc-toggle (role=switch)                                  bool
//     select.wc-select                                               enum
//   section.wc-group[data-group="<group or empty>"]                  group container
//
// SPDX-License-Identifier: MIT

import { ErrorCode } from './wavecraft-client.js';

let uid = 0;
const nextUid = () => `wc-p${++uid}`;

/**
 * Runs `cb` on the next animation frame, or after `fallbackMs` when frames are not being
 * produced (hidden or occluded tab), whichever comes first.
 */
function nextFrame(cb, fallbackMs = 50) {
  let done = false;
  const run = () => { if (!done) { done = true; cancelAnimationFrame(raf); clearTimeout(timer); cb(); } };
  const raf = requestAnimationFrame(run);
  const timer = setTimeout(run, fallbackMs);
}

/** A step that gives ~1000 positions across a range, rounded to a power of ten. */
export function niceStep(min, max) {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return 0.01;
  return 10 ** (Math.floor(Math.log10(span)) - 3);
}

const decimalsOf = (step) => Math.min(10, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role' || k === 'for') e.setAttribute(k, v === true ? '' : v);
    else e[k] = v;
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

/** Base class: value bookkeeping shared by every control type. */
class ParamView {
  /**
   * @param {import('./wavecraft-client.js').ParameterInfo} info
   * @param {ParamsView} owner
   */
  constructor(info, owner) {
    this.owner = owner;
    this.info = { ...info };
    this.serverValue = info.value;   // latest value the server is known to hold
    this.lastSent = undefined;       // value of the latest setParameter sent
    this.pending = null;             // value waiting for the next frame
    this.dirty = false;
    this.scheduled = false;
    this.inflight = false;
    this.interacting = false;        // pointer down on the control, or text being edited
    this.root = el('div', {
      class: 'wc-param',
      'data-param-id': info.id,
      'data-type': info.type,
    });
    this.root.wcView = this;
  }

  get id() { return this.info.id; }

  /** True while the user's input must win over incoming values. */
  get busy() { return this.interacting || this.dirty || this.scheduled || this.inflight; }

  /** Whether this view can show `info` after a reload (else it is rebuilt). */
  compatible(info) { return info.type === this.info.type; }

  /** New info from a reload (range, name, unit, group, value). */
  update(info) {
    this.info = { ...info };
    this.serverValue = info.value;
    this.applyInfo();
    if (!this.busy) this.render(this.serverValue);
  }

  /** A value from the server (parameterChanged or a refresh). */
  setServerValue(v) {
    this.serverValue = v;
    this.info.value = v;
    if (!this.busy) this.render(v);
  }

  /** Queues `v` for sending; at most one request in flight and one per frame. */
  send(v) {
    // 'input' then 'change' with the same value: one request is enough, unless another
    // client changed the value in between.
    if (!this.dirty && v === this.lastSent && (this.inflight || v === this.serverValue)) return;
    this.pending = v;
    this.dirty = true;
    if (this.scheduled) return;
    this.scheduled = true;
    nextFrame(() => { this.scheduled = false; this.flush(); });
  }

  flush() {
    if (!this.dirty || this.inflight) return;
    const v = this.pending;
    this.dirty = false;
    this.inflight = true;
    this.lastSent = v;
    this.owner.client.setParameter(this.id, v).then(
      () => {
        this.serverValue = v;
        this.info.value = v;
        this.owner.clearError(this.id);
      },
      (e) => {
        this.lastSent = undefined;
        this.owner.reportError(this, e);
      },
    ).finally(() => {
      this.inflight = false;
      if (this.dirty) this.flush();
      else this.settle();
    });
  }

  /** When the user is done, show what the server holds. */
  settle() {
    if (!this.busy) this.render(this.serverValue);
  }

  endInteraction() {
    if (!this.interacting) return;
    this.interacting = false;
    this.settle();
  }

  // Subclasses:
  applyInfo() {}
  render(_v) {}
  destroy() { this.root.remove(); this.root.wcView = null; }
}

class FloatView extends ParamView {
  constructor(info, owner) {
    super(info, owner);
    const sliderId = nextUid();
    this.label = el('label', { class: 'wc-param-label', for: sliderId });
    this.valueOut = el('output', { class: 'wc-value', for: sliderId, 'aria-hidden': 'true' });
    this.slider = el('input', { type: 'range', class: 'wc-slider', id: sliderId });
    this.number = el('input', { type: 'number', class: 'wc-number', step: 'any', inputMode: 'decimal' });
    this.unitEl = el('span', { class: 'wc-unit', 'aria-hidden': 'true' });
    this.root.append(
      el('div', { class: 'wc-param-head' }, this.label, this.valueOut),
      el('div', { class: 'wc-param-body' }, this.slider,
        el('span', { class: 'wc-number-wrap' }, this.number, this.unitEl)),
    );

    const sl = this.slider;
    sl.addEventListener('pointerdown', () => {
      this.interacting = true;
      const up = () => {
        window.removeEventListener('pointerup', up, true);
        window.removeEventListener('pointercancel', up, true);
        this.endInteraction();
      };
      window.addEventListener('pointerup', up, true);
      window.addEventListener('pointercancel', up, true);
    });
    sl.addEventListener('input', () => this.userValue(Number(sl.value), 'slider'));
    sl.addEventListener('change', () => this.userValue(Number(sl.value), 'slider'));
    sl.addEventListener('dblclick', () => this.userValue(this.info.default, 'reset'));

    const nb = this.number;
    // 'change' fires on Enter and before blur; blur then shows what the control holds.
    nb.addEventListener('change', () => this.commitNumber());
    nb.addEventListener('blur', () => {
      nb.value = this.fmtNumber(this.busy ? this.pending ?? this.serverValue : this.serverValue);
    });
    nb.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { nb.value = this.fmtNumber(this.serverValue); nb.blur(); }
    });

    this.applyInfo();
    this.render(this.serverValue);
  }

  applyInfo() {
    const { min, max, name, unit } = this.info;
    this.step = niceStep(min, max);
    this.decimals = decimalsOf(this.step);
    this.label.textContent = name;
    this.slider.min = String(min);
    this.slider.max = String(max);
    this.slider.step = String(this.step);
    this.number.min = String(min);
    this.number.max = String(max);
    this.number.setAttribute('aria-label', unit ? `${name} in ${unit}` : `${name} value`);
    this.unitEl.textContent = unit ?? '';
    this.unitEl.hidden = !unit;
    this.root.title = `${name}: ${this.fmt(min)} to ${this.fmt(max)}${unit ? ' ' + unit : ''}, default ${this.fmt(this.info.default)} (double-click the slider to reset)`;
  }

  /** Display text: a couple fewer decimals than the step resolves. */
  fmt(v) {
    const d = Math.max(0, this.decimals - 1);
    const s = v.toFixed(d);
    return s === `-${(0).toFixed(d)}` ? (0).toFixed(d) : s;
  }

  /** Numeric entry: full step resolution, trailing zeros trimmed. */
  fmtNumber(v) {
    return String(Number(v.toFixed(this.decimals)));
  }

  quantise(v) {
    const { min, max } = this.info;
    const q = Number(v.toFixed(Math.min(12, this.decimals + 2)));
    return Math.min(max, Math.max(min, q));
  }

  userValue(raw, _from) {
    if (!Number.isFinite(raw)) return;
    const v = this.quantise(raw);
    this.showValue(v, { slider: _from !== 'slider' });
    this.send(v);
  }

  commitNumber() {
    const text = this.number.value.trim();
    const raw = Number(text);
    if (text === '' || !Number.isFinite(raw)) {
      this.number.value = this.fmtNumber(this.serverValue);
      return;
    }
    const v = this.quantise(raw);
    this.number.value = this.fmtNumber(v);
    if (v === this.serverValue && !this.busy) return;
    this.showValue(v);
    this.send(v);
  }

  showValue(v, { slider = true, number = true } = {}) {
    const { unit } = this.info;
    const text = this.fmt(v) + (unit ? (unit === '°' ? unit : ` ${unit}`) : '');
    this.valueOut.value = text;
    this.slider.setAttribute('aria-valuetext', text);
    if (slider) this.slider.value = String(v);
    const { min, max } = this.info;
    this.slider.style.setProperty('--fill', `${(((v - min) / (max - min)) * 100).toFixed(2)}%`);
    if (number && document.activeElement !== this.number) this.number.value = this.fmtNumber(v);
  }

  render(v) {
    this.showValue(v);
  }
}

class BoolView extends ParamView {
  constructor(info, owner) {
    super(info, owner);
    this.toggle = el('input', { type: 'checkbox', class: 'wc-toggle', role: 'switch' });
    this.label = el('span', { class: 'wc-param-label' });
    this.state = el('span', { class: 'wc-value', 'aria-hidden': 'true' });
    this.root.append(el('label', { class: 'wc-switch' },
      this.toggle, el('span', { class: 'wc-switch-track', 'aria-hidden': 'true' }), this.label, this.state));
    this.toggle.addEventListener('change', () => {
      const v = this.toggle.checked ? 1 : 0;
      this.render(v);
      this.send(v);
    });
    this.applyInfo();
    this.render(this.serverValue);
  }

  applyInfo() { this.label.textContent = this.info.name; }

  render(v) {
    const on = v >= 0.5;
    this.toggle.checked = on;
    this.toggle.setAttribute('aria-checked', on ? 'true' : 'false');
    this.state.textContent = on ? 'On' : 'Off';
  }
}

class EnumView extends ParamView {
  constructor(info, owner) {
    super(info, owner);
    const selId = nextUid();
    this.label = el('label', { class: 'wc-param-label', for: selId });
    this.select = el('select', { class: 'wc-select', id: selId });
    this.root.append(el('div', { class: 'wc-param-head' }, this.label), this.select);
    this.select.addEventListener('change', () => {
      const v = Number(this.select.value);
      if (Number.isInteger(v)) this.send(v);
    });
    this.applyInfo();
    this.render(this.serverValue);
  }

  applyInfo() {
    this.label.textContent = this.info.name;
    const variants = this.info.variants ?? [];
    const current = [...this.select.options].map((o) => o.textContent);
    if (current.length !== variants.length || current.some((t, i) => t !== variants[i])) {
      this.select.replaceChildren(...variants.map((name, i) => el('option', { value: String(i), text: name })));
    }
  }

  render(v) {
    const i = Math.round(v);
    if (i >= 0 && i < this.select.options.length) this.select.value = String(i);
  }
}

const VIEW_TYPES = { float: FloatView, bool: BoolView, enum: EnumView };

/**
 * The parameter list: one group section per `group` (ungrouped first, no heading), controls in
 * server order. `setParameters` reconciles in place.
 */
export class ParamsView {
  /**
   * @param {HTMLElement} container Receives the group sections.
   * @param {import('./wavecraft-client.js').WavecraftClient} client
   * @param {{showError: (key: string, msg: string) => void, clearError: (key: string) => void}} errors
   */
  constructor(container, client, errors) {
    this.container = container;
    this.client = client;
    this.errors = errors;
    /** @type {Map<string, ParamView>} */
    this.views = new Map();
    /** @type {Map<string, HTMLElement>} group key -> section */
    this.groups = new Map();
  }

  get size() { return this.views.size; }

  /**
   * Shows `list`, keeping the controls of ids that still exist (their DOM nodes, focus and any
   * drag in progress), adding new ones and removing gone ones.
   * @param {import('./wavecraft-client.js').ParameterInfo[]} list
   * @param {{highlightNew?: boolean}} [opts]
   * @returns {{added: string[], removed: string[]}}
   */
  setParameters(list, { highlightNew = false } = {}) {
    const added = [];
    const seen = new Set();
    const order = new Map(); // group key -> views in order
    for (const info of list) {
      if (seen.has(info.id)) continue;
      seen.add(info.id);
      let view = this.views.get(info.id);
      if (view && !view.compatible(info)) {
        view.destroy();
        view = null;
      }
      if (view) {
        view.update(info);
      } else {
        view = new VIEW_TYPES[info.type](info, this);
        this.views.set(info.id, view);
        added.push(info.id);
        if (highlightNew) {
          view.root.classList.add('wc-param-new');
          view.root.addEventListener('animationend', () => view.root.classList.remove('wc-param-new'), { once: true });
        }
      }
      const key = info.group ?? '';
      if (!order.has(key)) order.set(key, []);
      order.get(key).push(view);
    }
    const removed = [];
    for (const [id, view] of this.views) {
      if (!seen.has(id)) {
        view.destroy();
        this.views.delete(id);
        removed.push(id);
      }
    }

    // Ungrouped first, then groups in order of first appearance.
    const keys = [...order.keys()].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : 0));
    keys.forEach((key, gi) => {
      const section = this.groupSection(key);
      placeAt(this.container, section, gi);
      const box = section.querySelector('.wc-group-body');
      order.get(key).forEach((view, i) => placeAt(box, view.root, i));
    });
    for (const [key, section] of this.groups) {
      if (!order.has(key)) {
        section.remove();
        this.groups.delete(key);
      }
    }
    return { added, removed };
  }

  groupSection(key) {
    let section = this.groups.get(key);
    if (section) return section;
    const headingId = nextUid();
    section = el('section', { class: 'wc-group', 'data-group': key });
    if (key === '') {
      section.setAttribute('aria-label', 'Parameters');
    } else {
      section.setAttribute('aria-labelledby', headingId);
      section.append(el('h3', { class: 'wc-group-title', id: headingId, text: key }));
    }
    section.append(el('div', { class: 'wc-group-body' }));
    this.groups.set(key, section);
    return section;
  }

  /** parameterChanged from the server. */
  onParameterChanged(id, value) {
    this.views.get(id)?.setServerValue(value);
  }

  reportError(view, e) {
    let msg = e.message;
    if (e.code === ErrorCode.DISCONNECTED) msg = `Could not change “${view.info.name}”: not connected to the dev server`;
    else if (e.code === ErrorCode.PARAMETER_NOT_FOUND) msg = `“${view.info.name}” no longer exists (${e.message})`;
    else msg = `Could not change “${view.info.name}”: ${e.message}`;
    this.errors.showError(`param:${view.id}`, msg);
  }

  clearError(id) { this.errors.clearError(`param:${id}`); }
}

/** Moves `child` to index `i` of `parent` only when it is not already there. */
function placeAt(parent, child, i) {
  const at = parent.children[i] ?? null;
  if (at !== child) parent.insertBefore(child, at);
}
