'use strict';

// When the API has keys (SOCKTECH_API_KEYS), every /v1 request answers 401 until it carries
// one. This asks once, keeps the key in sessionStorage for this tab only, and adds it to every
// /v1 request by wrapping fetch, so page.js needs to know nothing about keys.
(() => {
  const STORED = 'socktech.apiKey';
  const plainFetch = window.fetch.bind(window);
  let asking = null;
  let declined = false;

  function askForKey(message) {
    const dialog = document.createElement('dialog');
    const form = document.createElement('form');
    const input = document.createElement('input');
    const label = document.createElement('label');
    const submit = document.createElement('button');
    Object.assign(input, { type: 'password', required: true, autocomplete: 'off', id: 'api-key' });
    Object.assign(submit, { type: 'submit', textContent: 'Use this key' });
    label.append(message, ' ', input);
    form.append(label, ' ', submit);
    dialog.append(form);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      dialog.close(input.value.trim());
    });
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => {
        dialog.remove();
        resolve(dialog.returnValue || null);
      });
      document.body.append(dialog);
      dialog.showModal();
    });
  }

  // The page polls every second: the requests refused meanwhile all wait for the one dialog.
  function newKey(refused) {
    asking ??= askForKey(
      refused
        ? 'That API key was not accepted. Another key:'
        : 'This Socktech API needs a key (kept for this tab only):',
    ).then((key) => {
      asking = null;
      if (key) sessionStorage.setItem(STORED, key);
      else declined = true;
      return key;
    });
    return asking;
  }

  function withKey(init, key) {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${key}`);
    return { ...init, headers };
  }

  window.fetch = async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : input, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith('/v1/')) {
      return plainFetch(input, init);
    }
    let key = sessionStorage.getItem(STORED);
    let res = await plainFetch(input, key ? withKey(init, key) : init);
    // Declining (Escape) leaves the page showing the 401s until the tab is reloaded.
    while (res.status === 401 && !declined) {
      // Another request may have been given a key while this one was on its way.
      const stored = sessionStorage.getItem(STORED);
      key = stored && stored !== key ? stored : await newKey(Boolean(key));
      if (!key) break;
      res = await plainFetch(input, withKey(init, key));
    }
    return res;
  };
})();
