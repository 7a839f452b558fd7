import assert from 'node:assert/strict';
import { parseEdge } from '../../src/flows/edges';

describe('parseEdge', () => {
  it('reads a parent id', () =>
    assert.deepEqual(parseEdge('welcome-email'), { from: 'welcome-email' }));

  it('reads a parent id and the label of its outcome', () => {
    assert.deepEqual(parseEdge('wait_1:timedOut'), { from: 'wait_1', label: 'timedOut' });
  });

  for (const bad of ['', ':x', 'a:', 'a:b:c', 'a b', 'a.b', 'a:b c']) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseEdge(bad), {
        message: `${JSON.stringify(bad)} is not "nodeId" or "nodeId:label"`,
      });
    });
  }
});
