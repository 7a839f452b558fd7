import assert from 'node:assert/strict';
import { parseDuration } from '../../src/flows/duration';

describe('parseDuration', () => {
  const cases: [string, number][] = [
    ['500ms', 500],
    ['30s', 30_000],
    ['1m', 60_000],
    ['2h', 7_200_000],
    ['3d', 259_200_000],
    ['1w', 604_800_000],
    ['0s', 0],
  ];
  for (const [text, ms] of cases) {
    it(`reads ${text} as ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  }

  for (const bad of [
    '',
    '30',
    's',
    '1.5h',
    '-1s',
    '1 s',
    ' 1s',
    '1S',
    '1y',
    '1h30m',
    '99999999999999999999w',
  ]) {
    it(`refuses ${JSON.stringify(bad)} with a readable message`, () => {
      assert.throws(() => parseDuration(bad), {
        message: `${JSON.stringify(bad)} is not a duration: use a whole number and a unit (ms, s, m, h, d, w), e.g. "30s"`,
      });
    });
  }
});
