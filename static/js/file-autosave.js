// Saves the assessor's draft of a part of the assessment file while they type (ASM-4: nothing is lost on a timeout).
// Every 30 seconds, if the form has changed, it is POSTed with `X-Autosave: 1` (the page answers 204, or 400 with the
// errors as JSON). A copy is kept in this browser until the server holds it, and offered back when the page loads with
// older content (after a lost connection or an expired sign-in). Without JavaScript the form's own buttons save.

const INTERVAL_MS = 30000;

function entriesOf(form) {
  const entries = [];
  for (const [name, value] of new FormData(form)) {
    if (name !== "csrfmiddlewaretoken" && typeof value === "string") {
      entries.push([name, value]);
    }
  }
  return entries;
}

function fill(form, entries) {
  const values = new Map();
  for (const [name, value] of entries) {
    values.set(name, [...(values.get(name) || []), value]);
  }
  for (const element of form.elements) {
    if (!element.name || element.name === "csrfmiddlewaretoken" || element.type === "submit") {
      continue;
    }
    const wanted = values.get(element.name) || [];
    if (element.type === "radio" || element.type === "checkbox") {
      element.checked = wanted.includes(element.value);
    } else {
      element.value = wanted[0] ?? "";
    }
  }
}

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage turned off: the server saves still run
  }
}

function start(form) {
  const key = form.dataset.autosaveKey;
  const serverSavedAt = Number(form.dataset.savedAt || 0);
  const status = document.getElementById("autosave-status");
  const banner = document.getElementById("autosave-restore");
  const store = storage();
  let lastSent = JSON.stringify(entriesOf(form));
  let dirty = false;
  let sending = false;

  const say = (text) => {
    if (status) status.textContent = text;
  };
  const keep = () => {
    try {
      store?.setItem(key, JSON.stringify({ at: Date.now(), entries: entriesOf(form) }));
    } catch {
      // storage full or refused: the server saves still run
    }
  };
  const forget = () => store?.removeItem(key);
  const kept = () => {
    try {
      return JSON.parse(store?.getItem(key) || "null");
    } catch {
      return null;
    }
  };

  const copy = kept();
  if (copy && copy.at <= serverSavedAt) {
    forget(); // the server holds something newer
  } else if (copy && banner && JSON.stringify(copy.entries) !== lastSent) {
    const when = banner.querySelector("[data-autosave-when]");
    if (when) when.textContent = new Date(copy.at).toLocaleString("en-GB");
    banner.hidden = false;
    banner.querySelector("[data-autosave-restore]")?.addEventListener("click", () => {
      fill(form, copy.entries);
      dirty = true;
      banner.hidden = true;
      say("Your changes are restored. They are saved with the draft in a moment.");
    });
    banner.querySelector("[data-autosave-discard]")?.addEventListener("click", () => {
      forget();
      banner.hidden = true;
    });
  }

  const changed = () => {
    dirty = true;
    keep();
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  window.setInterval(async () => {
    if (!dirty || sending) return;
    const snapshot = JSON.stringify(entriesOf(form));
    if (snapshot === lastSent) {
      dirty = false;
      return;
    }
    sending = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Autosave": "1" },
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.status === 204) {
        lastSent = snapshot;
        dirty = JSON.stringify(entriesOf(form)) !== snapshot;
        if (!dirty) forget();
        say(`Draft saved automatically at ${new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}.`);
      } else if (response.status === 400) {
        const body = await response.json().catch(() => ({}));
        const problems = Object.values(body.errors || {}).flat();
        say(`Not saved automatically: ${problems.join(" ")} Correct it, then save the draft.`);
      } else {
        say("Not saved automatically (you may need to sign in again). Your changes are kept in this browser.");
      }
    } catch {
      say("Not saved automatically: no connection. Your changes are kept in this browser.");
    } finally {
      sending = false;
    }
  }, INTERVAL_MS);
}

for (const form of document.querySelectorAll("form[data-autosave]")) {
  start(form);
}
