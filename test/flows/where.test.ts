import assert from 'node:assert/strict';
import { matchesWhere, WHERE_OPERATORS, type Where } from '../../src/flows/where';
import { whereSchema } from '../../src/flows/schema';

const properties = {
  plan: 'pro',
  country: 'FR',
  seats: 3,
  coupon: null,
  cart: { total: 60, items: 2 },
  signedUpAt: '2026-03-01T10:00:00Z',
};

describe('matchesWhere', () => {
  const cases: [string, Where, boolean][] = [
    ['no condition', {}, true],
    ['a bare scalar is equality', { plan: 'pro' }, true],
    ['a bare scalar is strict equality', { seats: '3' }, false],
    ['null equals null', { coupon: null }, true],
    ['a missing property is not null', { referrer: null }, false],
    ['eq', { plan: { eq: 'free' } }, false],
    ['ne', { plan: { ne: 'free' } }, true],
    ['ne holds for a missing property', { referrer: { ne: 'x' } }, true],
    ['in', { country: { in: ['FR', 'DE'] } }, true],
    ['in, not listed', { country: { in: ['US'] } }, false],
    ['nin', { country: { nin: ['FR'] } }, false],
    ['gte on a dot-path', { 'cart.total': { gte: 50 } }, true],
    ['gt', { 'cart.total': { gt: 60 } }, false],
    ['lt', { 'cart.items': { lt: 3 } }, true],
    ['lte', { 'cart.items': { lte: 1 } }, false],
    ['strings compare as strings (ISO dates)', { signedUpAt: { gte: '2026-01-01' } }, true],
    ['a number never compares with a string', { seats: { gt: '1' } }, false],
    ['ordering on a missing property', { missing: { lt: 10 } }, false],
    ['exists: false on a missing property', { 'cart.coupon': { exists: false } }, true],
    ['exists: true on null', { coupon: { exists: true } }, true],
    ['exists: false on a present property', { plan: { exists: false } }, false],
    ['operators together must all hold', { seats: { gte: 1, lt: 3 } }, false],
    ['every key must hold', { plan: 'pro', country: 'DE' }, false],
    ['a path through a scalar', { 'plan.length': { exists: true } }, false],
    ['a path never reaches the prototype', { 'cart.constructor': { exists: true } }, false],
  ];
  for (const [name, where, expected] of cases) {
    it(`${name}: ${JSON.stringify(where)} → ${expected}`, () => {
      assert.equal(matchesWhere(where, properties), expected);
    });
  }

  it('is the example of the brief', () => {
    const where: Where = {
      plan: 'pro',
      country: { in: ['FR', 'DE'] },
      'cart.total': { gte: 50 },
      coupon: { exists: false },
    };
    const cart = { total: 50 };
    assert.equal(matchesWhere(where, { plan: 'pro', country: 'DE', cart }), true);
    assert.equal(matchesWhere(where, { plan: 'pro', country: 'DE', cart, coupon: 'X' }), false);
    assert.equal(matchesWhere(where, { plan: 'pro', country: 'DE', cart: { total: 49 } }), false);
  });
});

describe('whereSchema', () => {
  it('accepts every operator', () => {
    const where = {
      a: 1,
      b: {
        eq: 'x',
        ne: null,
        in: [1, 'a'],
        nin: [true],
        gt: 1,
        gte: 'a',
        lt: 2,
        lte: 'b',
        exists: true,
      },
    };
    assert.deepEqual(whereSchema.parse(where), where);
    assert.deepEqual(Object.keys(where.b).sort(), [...WHERE_OPERATORS].sort());
  });

  for (const bad of [
    { a: { like: 'x' } },
    { a: {} },
    { a: [1] },
    { a: { in: 'x' } },
    { a: { gt: true } },
    { 'a..b': 1 },
    { a: { exists: 'yes' } },
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () =>
      assert.equal(whereSchema.safeParse(bad).success, false));
  }
});
