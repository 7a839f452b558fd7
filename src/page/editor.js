'use strict';

// The flow editor: a flow's JSON, checked as it is typed (problems drawn at their node), its
// emails rendered with the sample event, a test send, Save and Publish. Every change names the
// version it was based on (If-Match), so two editors never silently overwrite each other.
(() => {
  const CHECK_DELAY_MS = 300;
  const TEMPLATE = {
    id: 'new-flow',
    name: 'New flow',
    trigger: { event: 'example.happened' },
    sample: { email: 'sample@example.com', properties: { name: 'Ada' } },
    actions: [
      {
        id: 'hello',
        type: 'sendEmail',
        subject: 'Hello {{ properties.name }}',
        body: '<p>Hi {{ properties.name }}</p>',
      },
    ],
  };

  const editor = {
    /** The flow being edited; null for a new one, not saved yet. */
    id: null,
    /** Its head version: what the next change names in If-Match. */
    version: null,
    /** The text as last saved or loaded, to know when there are changes to save. */
    saved: '',
    checking: 0,
    timer: null,
  };

  const $ = (id) => document.getElementById(id);
  const json = () => $('editor-json').value;
  const dirty = () => json() !== editor.saved;

  /** An element whose children are text or elements; never markup. */
  function el(tag, props = {}, ...children) {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  }

  async function request(method, path, { body, version } = {}) {
    const headers = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (version) headers['if-match'] = `"${version}"`;
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const reply = await res.json().catch(() => ({}));
    if (!res.ok) {
      const err = new Error(reply.error ?? `HTTP ${res.status}`);
      err.problems = reply.problems ?? [];
      throw err;
    }
    return reply;
  }

  function say(id, message, problems = []) {
    $(id).replaceChildren(
      message,
      ...problems.map((p) => el('span', { className: 'problem-line' }, p)),
    );
  }

  // Choosing a flow

  async function loadList(select) {
    const { stored } = await request('GET', '/v1/flows');
    const state = (f) =>
      f.archived ? 'archived' : f.published === null ? 'draft' : `v${f.published}`;
    $('editor-flow').replaceChildren(
      el('option', { value: '' }, 'Choose a flow…'),
      ...stored.map((f) =>
        el('option', { value: f.id }, `${f.name ?? f.id} (${f.id}, ${state(f)})`),
      ),
    );
    $('editor-flow').value = select ?? editor.id ?? '';
  }

  function show(draft) {
    editor.id = draft.id;
    editor.version = draft.head;
    editor.saved = JSON.stringify(draft.definition, null, 2);
    $('editor-json').value = editor.saved;
    describe(draft);
    check();
  }

  function describe(flow) {
    const published =
      flow.published === null ? 'never published' : `version ${flow.published} is published`;
    const archived = flow.archived ? '; archived: new events do not start it' : '';
    $('editor-state').textContent =
      `Editing version ${flow.head} of ${flow.id}; ${published}${archived}.`;
  }

  async function open(id) {
    say('editor-result', '');
    if (!id) return;
    try {
      show(await request('GET', `/v1/flows/${encodeURIComponent(id)}/draft`));
    } catch (err) {
      say('editor-result', err.message);
    }
  }

  function startNew() {
    editor.id = null;
    editor.version = null;
    editor.saved = '';
    $('editor-flow').value = '';
    $('editor-json').value = JSON.stringify(TEMPLATE, null, 2);
    $('editor-state').textContent = 'A new flow: Save creates it as a draft.';
    say('editor-result', '');
    check();
  }

  // Checking as it is typed

  /** Nodes and edges from the JSON as written, so even a broken flow draws. */
  function rawGraph(definition, problems) {
    const actions = Array.isArray(definition?.actions) ? definition.actions : [];
    const named = actions.filter((a) => typeof a?.id === 'string');
    const nodes = named.map((a) => ({
      id: a.id,
      type: typeof a.type === 'string' ? a.type : '?',
      problems: problems.filter((p) => p.node === a.id).map((p) => p.message),
    }));
    const edges = named.flatMap((a) =>
      (Array.isArray(a.after) ? a.after : [])
        .filter((text) => typeof text === 'string')
        .map((text) => {
          const [from, label] = text.split(':');
          return { from, to: a.id, label };
        }),
    );
    const trigger = typeof definition?.trigger?.event === 'string' ? definition.trigger.event : '';
    return { trigger, nodes, edges };
  }

  function showProblems(problems) {
    $('editor-problems').replaceChildren(
      ...problems.map((p) =>
        el(
          'li',
          { className: 'error' },
          ...(p.node ? [el('code', {}, p.node), ': '] : []),
          p.message,
        ),
      ),
    );
  }

  function showEmails(emails, definition) {
    const hint = definition?.sample
      ? 'Shown once the flow has no problems.'
      : 'Add a "sample" to see each email rendered with it.';
    $('editor-previews').replaceChildren(
      ...(emails.length === 0 ? [el('p', { className: 'hint' }, hint)] : []),
      ...emails.map((e) =>
        el(
          'article',
          { className: 'preview' },
          el('h4', {}, el('code', {}, e.node), ' ', e.subject),
          el('p', { className: 'hint' }, `To ${e.to}`),
          el('pre', {}, e.html),
        ),
      ),
    );
  }

  function showTestNodes(definition) {
    const emails = (Array.isArray(definition?.actions) ? definition.actions : []).filter(
      (a) => a?.type === 'sendEmail' && typeof a.id === 'string',
    );
    const select = $('test-node');
    const chosen = select.value;
    select.replaceChildren(...emails.map((a) => el('option', { value: a.id }, a.id)));
    if (emails.some((a) => a.id === chosen)) select.value = chosen;
  }

  async function check() {
    const round = ++editor.checking;
    updateButtons();
    let definition;
    try {
      definition = JSON.parse(json());
    } catch (err) {
      showProblems([{ message: `invalid JSON: ${err.message}` }]);
      return;
    }
    flowGraph.draw($('editor-graph'), rawGraph(definition, []));
    if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
      showProblems([{ message: 'a flow is a JSON object' }]);
      return;
    }
    try {
      const { problems, emails } = await request('POST', '/v1/flows/check', { body: definition });
      // Typing went on meanwhile: the newer check shows.
      if (round !== editor.checking) return;
      flowGraph.draw($('editor-graph'), rawGraph(definition, problems));
      showProblems(problems);
      showEmails(emails, definition);
      $('editor-problems').dataset.checked = String(round);
    } catch (err) {
      if (round === editor.checking) showProblems([{ message: err.message }]);
    }
  }

  function changed() {
    updateButtons();
    clearTimeout(editor.timer);
    editor.timer = setTimeout(check, CHECK_DELAY_MS);
  }

  function updateButtons() {
    $('editor-save').disabled = !dirty();
    $('editor-publish').disabled = editor.id === null && !dirty();
    // A test send renders the saved draft, so what is sent is what was saved.
    const saved = editor.id !== null && !dirty();
    $('test-send-button').disabled = !saved;
    $('test-hint').hidden = saved || json() === '';
    if (saved) showTestNodes(JSON.parse(editor.saved));
  }

  // Saving, publishing, a test send

  async function save() {
    const definition = JSON.parse(json());
    const draft =
      editor.id === null
        ? await request('POST', '/v1/flows', { body: definition })
        : await request('PUT', `/v1/flows/${encodeURIComponent(editor.id)}/draft`, {
            body: definition,
            version: editor.version,
          });
    editor.id = draft.id;
    editor.version = draft.head;
    editor.saved = json();
    describe(draft);
    updateButtons();
    await loadList(draft.id);
    return draft;
  }

  /** Runs an action of the editor and says how it went, problems and all. */
  async function act(work) {
    say('editor-result', '');
    try {
      say('editor-result', await work());
    } catch (err) {
      say('editor-result', err.message, err.problems);
    }
  }

  const onSave = () =>
    act(async () => {
      const draft = await save();
      return `Saved as version ${draft.head}.`;
    });

  const onPublish = () =>
    act(async () => {
      if (dirty()) await save();
      const flow = await request('POST', `/v1/flows/${encodeURIComponent(editor.id)}/publish`, {
        version: editor.version,
      });
      describe(flow);
      await loadList(flow.id);
      return `Published version ${flow.published}: new events run it from now on.`;
    });

  async function testSend(e) {
    e.preventDefault();
    const to = $('test-to').value.trim();
    const node = $('test-node').value;
    $('test-result').textContent = '';
    try {
      const sent = await request('POST', `/v1/flows/${encodeURIComponent(editor.id)}/test-send`, {
        body: { node, to },
      });
      $('test-result').textContent = `Sent "${sent.subject}" to ${sent.to}.`;
    } catch (err) {
      $('test-result').textContent = [err.message, ...err.problems].join(' ');
    }
  }

  $('editor-flow').addEventListener('change', (e) => open(e.target.value));
  $('editor-new').addEventListener('click', startNew);
  $('editor-json').addEventListener('input', changed);
  $('editor-save').addEventListener('click', onSave);
  $('editor-publish').addEventListener('click', onPublish);
  $('test-send').addEventListener('submit', testSend);
  updateButtons();
  loadList().catch((err) => say('editor-result', `Cannot list flows: ${err.message}`));
})();
