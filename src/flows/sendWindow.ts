// Imported by workflow code: pure, and deterministic for a given Node build (its time zone
// data comes with it). Times are epoch milliseconds; a "wall" time is what a clock in the zone
// shows, written as if it were UTC.

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];

/**
 * When an email may go out, in the user's time zone: on `days`, from `from` until `to`
 * ("HH:MM"). A window with `to` before `from` runs overnight into the next day, and belongs to
 * the day it opens on.
 */
export interface SendWindow {
  days: Day[];
  from: string;
  to: string;
}

export const DEFAULT_ZONE = 'UTC';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
// Date#getUTCDay counts from Sunday.
const BY_UTC_DAY: Day[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** `["mon-fri", "sun"]` → every day named, in week order; `"fri-mon"` wraps over the weekend. */
export function parseDays(entries: readonly string[]): Day[] {
  const named = new Set<Day>();
  for (const entry of entries) {
    const [first, last = first, ...rest] = entry.split('-');
    const start = DAYS.indexOf(first as Day);
    const end = DAYS.indexOf(last as Day);
    if (start < 0 || end < 0 || rest.length > 0) {
      throw new Error(`"${entry}" is not a day (${DAYS.join(', ')}) or a range such as "mon-fri"`);
    }
    for (let i = start; ; i = (i + 1) % DAYS.length) {
      named.add(DAYS[i]);
      if (i === end) break;
    }
  }
  return DAYS.filter((day) => named.has(day));
}

/** Minutes since midnight of "HH:MM"; "24:00" (the end of the day) is 1440. */
export function minutesOf(time: string): number {
  const match = TIME.exec(time);
  if (!match) throw new Error(`"${time}" is not a time of day "HH:MM" (00:00 to 23:59, or 24:00)`);
  const [hours, minutes] = match[1] === undefined ? [24, 0] : [match[1], match[2]];
  return Number(hours) * 60 + Number(minutes);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** An IANA zone name this Node build knows, such as "Europe/Berlin". */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first zone given that is valid, else UTC; with the names refused on the way, for the
 * caller to log (a profile's trait is not checked when it is stored).
 */
export function pickZone(candidates: readonly unknown[]): { zone: string; refused: string[] } {
  const refused: string[] = [];
  for (const zone of candidates) {
    if (zone === undefined || zone === null) continue;
    if (typeof zone === 'string' && isTimeZone(zone)) return { zone, refused };
    refused.push(typeof zone === 'string' ? zone : JSON.stringify(zone));
  }
  return { zone: DEFAULT_ZONE, refused };
}

/** What a clock in `zone` shows at `instant`. */
export function wallClock(zone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const { type, value } of formatter(zone).formatToParts(instant)) parts[type] = Number(value);
  const { year, month, day, hour, minute, second } = parts;
  const wholeSecond = Math.floor(instant / 1000) * 1000;
  return Date.UTC(year, month - 1, day, hour, minute, second) + (instant - wholeSecond);
}

const dayOf = (wall: number): Day => BY_UTC_DAY[new Date(wall).getUTCDay()];
const midnightOf = (wall: number) => Math.floor(wall / DAY) * DAY;

export function isOpen(window: SendWindow, zone: string, instant: number): boolean {
  const wall = wallClock(zone, instant);
  const minutes = Math.floor((wall - midnightOf(wall)) / MINUTE);
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  const on = (day: Day) => window.days.includes(day);
  if (from < to) return on(dayOf(wall)) && minutes >= from && minutes < to;
  return (on(dayOf(wall)) && minutes >= from) || (on(dayOf(wall - DAY)) && minutes < to);
}

/**
 * The first instant at which the clocks in `zone` show `wall` or later. A time the clocks skip
 * (spring forward) is reached when they jump past it; a time they show twice (fall back), the
 * first time.
 */
export function instantOf(zone: string, wall: number): number {
  // Around any one moment a zone has at most one change of offset a day away: the offsets
  // before and after it give every instant the wall time can be.
  const offsetAt = (instant: number) => wallClock(zone, instant) - instant;
  const candidates = [wall - offsetAt(wall - DAY), wall - offsetAt(wall + DAY)];
  const exact = candidates.filter((instant) => wallClock(zone, instant) === wall);
  if (exact.length > 0) return Math.min(...exact);
  // Skipped: the clocks jumped over it between these two instants. Find the jump, to the second.
  let before = Math.min(...candidates);
  let after = Math.max(...candidates);
  while (after - before > 1000) {
    const middle = before + Math.floor((after - before) / 2000) * 1000;
    if (wallClock(zone, middle) >= wall) after = middle;
    else before = middle;
  }
  return after;
}

/** `instant` when the window is open then, else the moment it next opens. */
export function nextOpening(window: SendWindow, zone: string, instant: number): number {
  if (isOpen(window, zone, instant)) return instant;
  const today = midnightOf(wallClock(zone, instant));
  const from = minutesOf(window.from) * MINUTE;
  // Each day of the week comes round twice in two weeks: once more for a day the clocks skip
  // the whole window.
  for (let day = 0; day <= 14; day++) {
    const midnight = today + day * DAY;
    if (!window.days.includes(dayOf(midnight))) continue;
    const opening = instantOf(zone, midnight + from);
    // On the day the clocks skip the whole window, it does not open at all.
    if (opening > instant && isOpen(window, zone, opening)) return opening;
  }
  throw new Error(`the send window ${JSON.stringify(window)} never opens`);
}
