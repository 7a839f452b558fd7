// Shared by the baseline workflows (bundled) and the Socktech flows: plain data only.

/** The three actions of the flow both sides run, as the activities receive them. */
export const FLOW_TEMPLATES = {
  email1: {
    subject: 'Welcome {{ properties.name }}',
    body: '<p>Hi {{ properties.name }}, thanks for signing up.</p>',
  },
  email2: {
    subject: 'Next steps, {{ properties.name }}',
    body: '<p>Here is what to do next.</p>',
  },
  hook: { url: '/bench', method: 'POST' as const, headers: {} },
};

export const SLEEP_MS = 86_400_000;
