// gen.mjs writes an on-call roster as iCalendar with the independent ical-generator package, for
// the rosterfile tests: node gen.mjs > roster.ics
import ical, { ICalEventRepeatingFreq, ICalWeekday } from 'ical-generator';

const cal = ical({ name: 'Dienstrooster SO-dienst', prodId: { company: 'mgz-test', product: 'rooster' } });

// Weekly night duty on Monday and Tuesday, 23:00 to 07:00 Amsterdam time, until the end of
// January, except on 8 December; it crosses no DST change but has an UNTIL in UTC.
cal.createEvent({
  id: 'nacht-ma-di@rooster.example',
  start: '2026-11-30T23:00:00',
  end: '2026-12-01T07:00:00',
  timezone: 'Europe/Amsterdam',
  summary: 'Dr. A. de Vries',
  description: 'Functie: SO\nBereikbaar via tel. 06-12345678',
  repeating: {
    freq: ICalEventRepeatingFreq.WEEKLY,
    byDay: [ICalWeekday.MO, ICalWeekday.TU],
    until: new Date(Date.UTC(2027, 0, 31, 22, 59, 59)),
    exclude: ['2026-12-07T23:00:00'],
    excludeTimezone: 'Europe/Amsterdam',
  },
});

// Daily weekend day duty, ten times.
cal.createEvent({
  id: 'dag-count@rooster.example',
  start: '2026-12-05T08:00:00',
  end: '2026-12-05T17:00:00',
  timezone: 'Europe/Amsterdam',
  summary: 'Team gedragskunde Noord',
  location: 'Telefoon +31 20 123 4567',
  categories: [{ name: 'gedragskundige' }],
  repeating: { freq: ICalEventRepeatingFreq.DAILY, count: 10 },
});

// The night daylight saving time ends: 23:00 to 07:00 wall clock is 9 hours.
cal.createEvent({
  id: 'dst-nacht@rooster.example',
  start: '2026-10-24T23:00:00',
  end: '2026-10-25T07:00:00',
  timezone: 'Europe/Amsterdam',
  summary: 'J. Jansen',
  description: 'Functie: AVG\ntel: 0612345679',
});

// A UTC event: 07:00 to 16:00 UTC is 08:00 to 17:00 in Amsterdam in winter.
cal.createEvent({
  id: 'utc-dag@rooster.example',
  start: new Date(Date.UTC(2026, 11, 24, 7, 0, 0)),
  end: new Date(Date.UTC(2026, 11, 24, 16, 0, 0)),
  summary: 'P. Bakker',
});

// An all-day duty on Christmas.
cal.createEvent({
  id: 'kerst@rooster.example',
  start: new Date(Date.UTC(2026, 11, 25, 12)),
  allDay: true,
  summary: 'Team kerstdienst',
});

process.stdout.write(cal.toString());
