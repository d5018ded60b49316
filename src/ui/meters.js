// meters.js: stereo peak/RMS meters in dBFS (20·log10, floor -60 dB), fed by `meterUpdate`
// pushes or, when none arrive, by polling `getMeterFrame` at ~30 Hz; drawn on animation frames.
//
// SPDX-License-Identifier: MIT

import { linearToDb } from './wavecraft-client.js';

export const FLOOR_DB = -60;
const PUSH_STALE_MS = 500;     // no push for this long: start polling
const POLL_INTERVAL_MS = 33;   // ~30 Hz
const SIGNAL_LOST_MS = 1000;   // no frame for this long: fall to the floor
const HOLD_MS = 1500;          // peak hold time
const HOLD_FALL_DB_PER_S = 20;
const READOUT_INTERVAL_MS = 100;

const frac = (db) => Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB));
const fmtDb = (db) => (db <= FLOOR_DB ? '−∞' : db.toFixed(1).replace('-', '−'));

class Channel {
  constructor(root) {
    this.root = root;
    this.track = root.querySelector('.wc-meter-track');
    this.rmsBar = root.querySelector('.wc-meter-rms');
    this.peakBar = root.querySelector('.wc-meter-peak');
    this.holdMark = root.querySelector('.wc-meter-hold');
    this.readout = root.querySelector('.wc-meter-readout');
    this.peakDb = FLOOR_DB;
    this.rmsDb = FLOOR_DB;
    this.holdDb = FLOOR_DB;
    this.holdAt = 0;
    this.shown = null;
  }

  set(peakDb, rmsDb, now) {
    this.peakDb = peakDb;
    this.rmsDb = rmsDb;
    if (peakDb >= this.holdDb) { this.holdDb = peakDb; this.holdAt = now; }
  }

  /** @returns {boolean} true while still animating (hold falling). */
  draw(now, dt, writeText) {
    if (now - this.holdAt > HOLD_MS && this.holdDb > this.peakDb) {
      this.holdDb = Math.max(this.peakDb, this.holdDb - HOLD_FALL_DB_PER_S * dt);
    }
    this.rmsBar.style.clipPath = `inset(0 ${(100 - frac(this.rmsDb) * 100).toFixed(2)}% 0 0)`;
    this.peakBar.style.clipPath = `inset(0 ${(100 - frac(this.peakDb) * 100).toFixed(2)}% 0 0)`;
    this.holdMark.style.transform = `translateX(${frac(this.holdDb) * this.track.clientWidth}px)`;
    this.root.dataset.clip = this.holdDb >= -0.1 ? 'true' : 'false';
    if (writeText) {
      const text = `${fmtDb(this.peakDb)} / ${fmtDb(this.rmsDb)} dB`;
      if (text !== this.shown) {
        this.shown = text;
        this.readout.textContent = text;
        this.track.setAttribute('aria-valuenow', this.peakDb.toFixed(1));
        this.track.setAttribute('aria-valuetext', `peak ${fmtDb(this.peakDb)} dB, RMS ${fmtDb(this.rmsDb)} dB`);
      }
    }
    return this.holdDb > this.peakDb;
  }
}

/** Stereo meters bound to the markup in index.html (`.wc-meter[data-channel=left|right]`). */
export class MetersView {
  /**
   * @param {HTMLElement} root `#wc-meters`
   * @param {import('./wavecraft-client.js').WavecraftClient} client
   */
  constructor(root, client) {
    this.root = root;
    this.client = client;
    this.left = new Channel(root.querySelector('[data-channel="left"]'));
    this.right = new Channel(root.querySelector('[data-channel="right"]'));
    this.lastFrameAt = 0;
    this.lastPushAt = 0;
    this.lastDrawAt = 0;
    this.lastTextAt = 0;
    this.raf = 0;
    this.pollTimer = 0;
    this.polling = false;
    this.inflight = false;

    client.addEventListener('meter', (e) => this.onFrame(e.detail));
    client.addEventListener('statechange', (e) => {
      if (e.detail.state !== 'open' && this.lastFrameAt) {
        this.lastFrameAt = -Infinity; // no server, no signal: fall to the floor now
        this.schedule();
      }
      this.updatePolling();
    });
    document.addEventListener('visibilitychange', () => this.updatePolling());
    // A watchdog decides between push and poll; cheap (4 Hz) and stops nothing else.
    setInterval(() => this.updatePolling(), 250);
  }

  onFrame(f) {
    const now = performance.now();
    this.lastFrameAt = now;
    if (f.source === 'push') this.lastPushAt = now;
    this.left.set(linearToDb(f.peakL), linearToDb(f.rmsL), now);
    this.right.set(linearToDb(f.peakR), linearToDb(f.rmsR), now);
    this.root.dataset.signal = 'true';
    this.root.dataset.source = f.source;
    this.schedule();
  }

  schedule() {
    if (!this.raf) this.raf = requestAnimationFrame((t) => this.draw(t));
  }

  draw(now) {
    this.raf = 0;
    const dt = this.lastDrawAt ? Math.min(0.1, (now - this.lastDrawAt) / 1000) : 0;
    this.lastDrawAt = now;
    if (this.lastFrameAt && now - this.lastFrameAt > SIGNAL_LOST_MS) {
      this.left.set(FLOOR_DB, FLOOR_DB, 0);
      this.right.set(FLOOR_DB, FLOOR_DB, 0);
      this.root.dataset.signal = 'false';
      this.lastFrameAt = 0;
    }
    const writeText = now - this.lastTextAt >= READOUT_INTERVAL_MS;
    if (writeText) this.lastTextAt = now;
    const a = this.left.draw(now, dt, writeText);
    const b = this.right.draw(now, dt, writeText);
    // Frames schedule their own draw; keep going only while the hold falls or text is due.
    if (a || b || !writeText) this.schedule();
    else this.lastDrawAt = 0;
  }

  updatePolling() {
    const now = performance.now();
    const want = this.client.state === 'open' && !document.hidden && now - this.lastPushAt > PUSH_STALE_MS;
    if (want && !this.polling) {
      this.polling = true;
      this.pollTimer = setInterval(() => this.poll(), POLL_INTERVAL_MS);
    } else if (!want && this.polling) {
      this.polling = false;
      clearInterval(this.pollTimer);
    }
    if (this.lastFrameAt && now - this.lastFrameAt > SIGNAL_LOST_MS) this.schedule();
  }

  poll() {
    if (this.inflight || performance.now() - this.lastPushAt <= PUSH_STALE_MS) return;
    this.inflight = true;
    this.client.getMeterFrame().catch(() => null).finally(() => { this.inflight = false; });
  }
}
