import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  instantOf,
  isOpen,
  minutesOf,
  nextOpening,
  parseDays,
  pickZone,
  wallClock,
  type SendWindow,
} from '../../src/flows/sendWindow';

// Temporal's time-skipping test server is downloaded at run time, which these machines cannot
// do: the window arithmetic is tested here, the durable wait on a dev server (test/engine).

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const everyDay = parseDays(['mon-sun']);
const window = (from: string, to: string, days = everyDay): SendWindow => ({ days, from, to });
const opening = (w: SendWindow, zone: string, now: string) => iso(nextOpening(w, zone, at(now)));

describe('send windows', () => {
  describe('days and times', () => {
    it('reads days and ranges, in week order, a range wrapping over the weekend', () => {
      assert.deepEqual(parseDays(['mon-fri']), ['mon', 'tue', 'wed', 'thu', 'fri']);
      assert.deepEqual(parseDays(['sun', 'sat']), ['sat', 'sun']);
      assert.deepEqual(parseDays(['fri-mon']), ['mon', 'fri', 'sat', 'sun']);
      assert.deepEqual(parseDays(['tue', 'mon-wed']), ['mon', 'tue', 'wed']);
    });

    for (const bad of ['monday', 'mon-', 'Mon', 'mon-tue-wed', '']) {
      it(`refuses the day ${JSON.stringify(bad)}, saying what a day looks like`, () => {
        assert.throws(() => parseDays([bad]), {
          message: `"${bad}" is not a day (mon, tue, wed, thu, fri, sat, sun) or a range such as "mon-fri"`,
        });
      });
    }

    it('reads HH:MM, and 24:00 as the end of the day', () => {
      assert.equal(minutesOf('00:00'), 0);
      assert.equal(minutesOf('09:30'), 570);
      assert.equal(minutesOf('23:59'), 1439);
      assert.equal(minutesOf('24:00'), 1440);
      for (const bad of ['9:00', '24:01', '12:60', '25:00', 'noon']) {
        assert.throws(() => minutesOf(bad), /is not a time of day "HH:MM"/, bad);
      }
    });
  });

  describe('the next opening', () => {
    const office = window('09:00', '18:00', parseDays(['mon-fri']));

    it('is now while the window is open, the same day before it, the next working day after', () => {
      // 2026-06-05 is a Friday; Berlin is UTC+2 in summer.
      const zone = 'Europe/Berlin';
      assert.equal(opening(office, zone, '2026-06-05T10:00:00Z'), '2026-06-05T10:00:00.000Z');
      assert.equal(opening(office, zone, '2026-06-05T05:00:00Z'), '2026-06-05T07:00:00.000Z');
      assert.equal(opening(office, zone, '2026-06-05T16:00:00Z'), '2026-06-08T07:00:00.000Z');
      // Saturday: Monday.
      assert.equal(opening(office, zone, '2026-06-06T10:00:00Z'), '2026-06-08T07:00:00.000Z');
    });

    it('treats the end of the window as closed, the start as open', () => {
      assert.equal(isOpen(office, 'UTC', at('2026-06-05T09:00:00Z')), true);
      assert.equal(isOpen(office, 'UTC', at('2026-06-05T17:59:59.999Z')), true);
      assert.equal(isOpen(office, 'UTC', at('2026-06-05T18:00:00Z')), false);
    });

    it('runs an overnight window into the next day, as part of the day it opened', () => {
      const night = window('22:00', '06:00', ['mon']);
      // 2026-06-01 is a Monday.
      assert.equal(isOpen(night, 'UTC', at('2026-06-01T21:59:00Z')), false);
      assert.equal(isOpen(night, 'UTC', at('2026-06-01T23:00:00Z')), true);
      assert.equal(isOpen(night, 'UTC', at('2026-06-02T05:59:00Z')), true, "Monday's night");
      assert.equal(isOpen(night, 'UTC', at('2026-06-02T06:00:00Z')), false);
      assert.equal(
        isOpen(night, 'UTC', at('2026-06-02T23:00:00Z')),
        false,
        'Tuesday is not listed',
      );
      assert.equal(isOpen(night, 'UTC', at('2026-06-01T03:00:00Z')), false, "Sunday's night");
      assert.equal(opening(night, 'UTC', '2026-06-02T07:00:00Z'), '2026-06-08T22:00:00.000Z');
      const nightly = window('22:00', '06:00');
      assert.equal(opening(nightly, 'UTC', '2026-06-02T03:00:00Z'), '2026-06-02T03:00:00.000Z');
      assert.equal(opening(nightly, 'UTC', '2026-06-02T07:00:00Z'), '2026-06-02T22:00:00.000Z');
    });

    it('takes whole days with 00:00 to 24:00', () => {
      const weekdays = window('00:00', '24:00', parseDays(['mon-fri']));
      assert.equal(isOpen(weekdays, 'UTC', at('2026-06-05T23:59:59Z')), true);
      assert.equal(opening(weekdays, 'UTC', '2026-06-06T12:00:00Z'), '2026-06-08T00:00:00.000Z');
    });
  });

  describe('daylight saving time', () => {
    // Europe/Berlin: 2026-03-29 02:00 CET → 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST → 02:00
    // CET (01:00Z). America/New_York: 2026-03-08 02:00 EST → 03:00 EDT (07:00Z); 2026-11-01
    // 02:00 EDT → 01:00 EST (06:00Z).
    const nine = window('09:00', '18:00');

    it('opens at nine on the clock on either side of a change: Berlin', () => {
      const zone = 'Europe/Berlin';
      assert.equal(opening(nine, zone, '2026-03-28T20:00:00Z'), '2026-03-29T07:00:00.000Z');
      assert.equal(opening(nine, zone, '2026-03-27T20:00:00Z'), '2026-03-28T08:00:00.000Z');
      assert.equal(opening(nine, zone, '2026-10-24T20:00:00Z'), '2026-10-25T08:00:00.000Z');
      assert.equal(opening(nine, zone, '2026-10-23T20:00:00Z'), '2026-10-24T07:00:00.000Z');
    });

    it('opens at nine on the clock on either side of a change: New York', () => {
      const zone = 'America/New_York';
      assert.equal(opening(nine, zone, '2026-03-08T03:00:00Z'), '2026-03-08T13:00:00.000Z');
      assert.equal(opening(nine, zone, '2026-03-07T03:00:00Z'), '2026-03-07T14:00:00.000Z');
      assert.equal(opening(nine, zone, '2026-11-01T03:00:00Z'), '2026-11-01T14:00:00.000Z');
      assert.equal(opening(nine, zone, '2026-10-31T03:00:00Z'), '2026-10-31T13:00:00.000Z');
    });

    it('opens a window whose start the clocks skip when they jump past it', () => {
      const early = window('02:30', '05:00');
      // Berlin, 2026-03-29 00:30Z is 01:30 CET; at 01:00Z the clocks jump to 03:00 CEST.
      assert.equal(
        opening(early, 'Europe/Berlin', '2026-03-29T00:30:00Z'),
        '2026-03-29T01:00:00.000Z',
      );
      assert.equal(
        instantOf('America/New_York', Date.UTC(2026, 2, 8, 2, 30)),
        at('2026-03-08T07:00Z'),
      );
    });

    it('skips a day whose window the clocks jump over entirely', () => {
      const gap = window('02:00', '02:45');
      assert.equal(
        opening(gap, 'Europe/Berlin', '2026-03-28T12:00:00Z'),
        '2026-03-30T00:00:00.000Z',
      );
    });

    it('opens at the first of a time the clocks show twice', () => {
      const early = window('02:30', '05:00');
      // Berlin, 2026-10-25: 02:30 CEST is 00:30Z, 02:30 CET an hour later.
      assert.equal(
        opening(early, 'Europe/Berlin', '2026-10-24T22:00:00Z'),
        '2026-10-25T00:30:00.000Z',
      );
      assert.equal(
        instantOf('America/New_York', Date.UTC(2026, 10, 1, 1, 30)),
        at('2026-11-01T05:30Z'),
      );
    });

    it('reads the clock in the zone, not the machine', () => {
      assert.equal(
        iso(wallClock('America/New_York', at('2026-11-01T05:30:00Z'))),
        '2026-11-01T01:30:00.000Z',
      );
      assert.equal(
        iso(wallClock('America/New_York', at('2026-11-01T06:30:00Z'))),
        '2026-11-01T01:30:00.000Z',
      );
      assert.equal(
        iso(wallClock('Asia/Kathmandu', at('2026-06-01T00:00:00.250Z'))),
        '2026-06-01T05:45:00.250Z',
      );
    });
  });

  describe('the time zone', () => {
    it("takes the profile's, else the flow's, else UTC, naming each refused one", () => {
      assert.deepEqual(pickZone(['America/New_York', 'Europe/Berlin']), {
        zone: 'America/New_York',
        refused: [],
      });
      assert.deepEqual(pickZone([undefined, 'Europe/Berlin']), {
        zone: 'Europe/Berlin',
        refused: [],
      });
      assert.deepEqual(pickZone(['Mars/Olympus_Mons', undefined]), {
        zone: 'UTC',
        refused: ['Mars/Olympus_Mons'],
      });
      assert.deepEqual(pickZone([42, 'Europe/Berlin']), { zone: 'Europe/Berlin', refused: ['42'] });
      assert.deepEqual(pickZone([]), { zone: 'UTC', refused: [] });
    });
  });

  it('opens at the first moment the window is open, for any window, zone and time', () => {
    const zones = [
      'UTC',
      'Europe/Berlin',
      'America/New_York',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'Pacific/Chatham',
      'America/Santiago',
    ];
    const time = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const days = fc.subarray([...everyDay], { minLength: 1 });
    const windows = fc
      .tuple(days, time, time)
      .filter(([, from, to]) => from !== to)
      .map(([d, from, to]) => window(from, to, d));
    const instants = fc.integer({ min: at('2025-01-01T00:00Z'), max: at('2027-12-31T00:00Z') });
    fc.assert(
      fc.property(windows, fc.constantFrom(...zones), instants, (w, zone, now) => {
        const open = nextOpening(w, zone, now);
        assert.ok(open >= now);
        assert.ok(isOpen(w, zone, open), `open at ${iso(open)}`);
        // Nothing earlier: windows and offset changes fall on whole minutes.
        for (let t = Math.ceil(now / 60_000) * 60_000; t < open; t += 60_000) {
          assert.ok(!isOpen(w, zone, t), `already open at ${iso(t)}, before ${iso(open)}`);
        }
      }),
      { numRuns: 60 },
    );
  });
});
