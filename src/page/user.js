'use strict';

// A user's view: what identify calls said (profiles and traits), the subscription to marketing
// email with a button to change it, the messages sent and the runs. A run's detail links to it
// as #user=<email>, so Back closes it and the address can be shared. Everything from the API is
// rendered as text nodes, never parsed as HTML.
(() => {
  const $ = (id) => document.getElementById(id);

  /** The email the location names, or null when no user view is asked for. */
  function emailInHash() {
    const match = /^#user=(.+)$/.exec(location.hash);
    return match ? decodeURIComponent(match[1]) : null;
  }

  /** An element whose children are text or elements; never markup. */
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key.startsWith('data-')) node.setAttribute(key, value);
      else node[key] = value;
    }
    node.append(...children);
    return node;
  }

  async function request(method, path, body) {
    const res = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const reply = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(reply.error ?? `HTTP ${res.status}`);
    return reply;
  }

  const time = (iso) => (iso ? new Date(iso).toLocaleString([], { hour12: false }) : '');
  const userPath = (email) => `/v1/users/${encodeURIComponent(email)}`;

  function renderProfiles(profiles) {
    if (profiles.length === 0) {
      return [el('p', { className: 'hint' }, 'No identify call described this address.')];
    }
    return profiles.map((profile) =>
      el(
        'div',
        { className: 'profile', 'data-user-id': profile.userId },
        el(
          'p',
          {},
          'userId ',
          el('code', {}, profile.userId),
          ` · updated ${time(profile.updatedAt)}`,
        ),
        el('pre', { className: 'traits' }, JSON.stringify(profile.traits, null, 2)),
      ),
    );
  }

  function renderSubscription({ subscribed, suppression }) {
    $('user-subscription').replaceChildren(
      subscribed
        ? el('span', { className: 'badge completed' }, 'subscribed')
        : el('span', { className: 'badge failed' }, suppression?.reason ?? 'unsubscribed'),
      subscribed
        ? ' Marketing email goes to this address.'
        : ` No marketing email goes to this address (by ${suppression?.source ?? '?'}, ${time(
            suppression?.suppressedAt,
          )}).`,
    );
    const button = $('user-subscribe');
    button.textContent = subscribed ? 'Unsubscribe' : 'Subscribe again';
    button.dataset.subscribe = String(!subscribed);
    button.hidden = false;
  }

  function messageRow(message) {
    return el(
      'tr',
      { 'data-node': message.nodeId },
      el('td', { className: 'nowrap' }, time(message.deliveredAt)),
      el('td', {}, message.channel),
      el('td', {}, el('code', {}, message.nodeId)),
      el('td', {}, el('code', {}, message.workflowId)),
      el('td', {}, message.reply),
    );
  }

  function runRow(run) {
    return el(
      'tr',
      { 'data-workflow-id': run.workflowId },
      el('td', {}, run.flowName ?? run.flowId ?? '?'),
      el('td', {}, el('span', { className: `badge ${run.status}` }, run.status)),
      el('td', { className: 'nowrap' }, time(run.startTime)),
      el('td', {}, el('code', {}, run.workflowId)),
    );
  }

  function render(user) {
    $('user-title').textContent = user.email;
    $('user-profiles').replaceChildren(...renderProfiles(user.profiles));
    renderSubscription(user.subscription);
    $('user-messages').replaceChildren(...user.messages.map(messageRow));
    $('user-no-messages').hidden = user.messages.length > 0;
    $('user-runs').replaceChildren(...user.runs.map(runRow));
    $('user-no-runs').hidden = user.runs.length > 0;
  }

  async function show() {
    const email = emailInHash();
    $('user').hidden = !email;
    if (!email) return;
    $('user-title').textContent = email;
    $('user-result').textContent = 'Loading…';
    try {
      const user = await request('GET', userPath(email));
      // Another user was asked for meanwhile: its own show() renders it.
      if (emailInHash() !== email) return;
      render(user);
      $('user-result').textContent = '';
    } catch (err) {
      $('user-result').textContent = err.message;
    }
    $('user').scrollIntoView({ block: 'start' });
  }

  async function changeSubscription() {
    const email = emailInHash();
    const button = $('user-subscribe');
    button.disabled = true;
    try {
      const subscription = await request('PUT', `${userPath(email)}/subscription`, {
        subscribed: button.dataset.subscribe === 'true',
      });
      renderSubscription(subscription);
      $('user-result').textContent = '';
    } catch (err) {
      $('user-result').textContent = err.message;
    } finally {
      button.disabled = false;
    }
  }

  $('user-subscribe').addEventListener('click', changeSubscription);
  window.addEventListener('hashchange', show);
  show();
})();
