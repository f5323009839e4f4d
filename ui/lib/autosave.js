// Autosave: each record is saved after a pause in typing, never by two saves at once, and
// everything can be saved at once when leaving. Used by the visit screen (one key per checklist
// item, "visit" for the minutes' own fields, "rec:<id>" per recommendation, "att:<id>" per
// attachment caption), whose checks in tests/ui-mock/browser-check.mjs cover the timing.
//
//   const saves = autosave({ delay: 400, onChange: (key) => … });
//   saves.schedule(key, send)  // an edit: send() (returns a promise) runs `delay` ms after the last one
//   saves.flush()              // save everything now; resolves true when nothing is left unsaved
//   saves.pending()            // an edit not saved yet, or a save under way
//   saves.state(key)           // {status: "idle"|"pending"|"saving"|"saved"|"error", error}
//   saves.shownError()         // the error to show for the whole screen, or null
// onChange(key) is called whenever a key's state may have changed.
import { toError } from "./errors.js";

export function autosave({ delay, onChange = () => {} }) {
  /** key → {send, timer, dirty, busy, running, error, status} */
  const savers = new Map();
  let lastError = null;

  function saverFor(key, send) {
    let s = savers.get(key);
    if (!s) {
      s = { send, timer: null, dirty: false, busy: false, running: null, error: null, status: "idle" };
      savers.set(key, s);
    } else if (send) s.send = send;
    return s;
  }

  /** Save `key` with `send` (the newest one given) after a pause in typing. */
  function schedule(key, send) {
    const s = saverFor(key, send);
    s.dirty = true;
    if (s.status !== "saving") s.status = "pending";
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      s.timer = null;
      run(key);
    }, delay);
    onChange(key);
  }

  /** Save `key` now (or join the save in flight). Never two concurrent saves for one key. */
  function run(key) {
    const s = savers.get(key);
    if (!s) return Promise.resolve();
    if (s.timer) {
      clearTimeout(s.timer);
      s.timer = null;
    }
    if (s.busy) return s.running || Promise.resolve(); // the loop picks up the newest state when the current save ends
    if (!s.dirty) return Promise.resolve();
    s.busy = true;
    const p = saveLoop(key, s);
    if (s.busy) s.running = p;
    return p;
  }

  async function saveLoop(key, s) {
    try {
      // Keep going while there are newer edits and the user is not still typing (no timer pending).
      while (s.dirty && !s.timer) {
        s.dirty = false;
        s.status = "saving";
        onChange(key);
        try {
          await s.send();
          s.error = null;
          s.status = s.dirty ? "pending" : "saved";
        } catch (err) {
          s.error = toError(err);
          s.dirty = true; // still unsaved: retried on the next edit or when leaving
          s.status = "error";
          lastError = s.error;
          break;
        }
      }
    } finally {
      s.busy = false;
      s.running = null;
      onChange(key);
    }
  }

  function pending() {
    for (const s of savers.values()) if (s.dirty || s.busy || s.timer) return true;
    return false;
  }

  /** Save everything now. Keys that fail are tried once. Resolves true when nothing is left unsaved. */
  async function flush() {
    const attempted = new Set();
    for (;;) {
      const todo = [];
      for (const [key, s] of savers) {
        if (s.busy || s.timer || (s.dirty && !attempted.has(key))) todo.push(key);
      }
      if (!todo.length) break;
      await Promise.all(
        todo.map((key) => {
          if (!savers.get(key).busy) attempted.add(key);
          return run(key);
        }),
      );
    }
    return !pending();
  }

  function state(key) {
    const s = savers.get(key);
    return s ? { status: s.status, error: s.error } : { status: "idle", error: null };
  }

  /** The latest failure while it still fails, else the failure of the last key still failing. */
  function shownError() {
    const errors = [...savers.values()].filter((s) => s.status === "error" && s.error);
    if (!errors.length) return null;
    return errors.some((s) => s.error === lastError) ? lastError : errors[errors.length - 1].error;
  }

  return { schedule, flush, pending, state, shownError };
}
