import { createActivities, type ActivityDeps } from '../../src/activities';
import { harness } from '../harness/hooks';

/** The activities as a worker of the test run would have them, with `deps` changed. */
export function harnessActivities(deps: Partial<ActivityDeps> = {}) {
  const h = harness();
  return createActivities(
    {
      smtpUrl: h.mail.smtpUrl,
      mailFrom: 'test@socktech.local',
      webhookBaseUrl: h.webhooks.url,
      publicUrl: 'http://socktech.test',
      secret: h.secret,
      ...deps,
    },
    h.store,
  );
}
