// WORKING_HOURS in the config: parsed and validated at start-up; a bad value stops start-up with
// a message naming WORKING_HOURS. (bot/main.ts prints any ConfigError and exits 1: that path is
// covered per variable by test/component/process.test.ts, so no process is spawned here.)

import { expect } from 'chai';
import { ConfigError, readConfig } from '../../../bot/config.js';

describe('config: WORKING_HOURS', () => {
  it('empty or unset: no working hours (reminders at any hour)', () => {
    expect(readConfig({}).workingHoursSpec).to.equal(undefined);
    expect(readConfig({ WORKING_HOURS: '  ' }).workingHoursSpec).to.equal(undefined);
    expect(readConfig({}).workingHours).to.equal('');
  });

  it('a valid value is parsed into the typed spec', () => {
    const config = readConfig({ WORKING_HOURS: '09:00-18:00 Mon-Fri Europe/Berlin' });
    expect(config.workingHours).to.equal('09:00-18:00 Mon-Fri Europe/Berlin');
    expect(config.workingHoursSpec).to.deep.include({ startMinute: 540, endMinute: 1080, timeZone: 'Europe/Berlin' });
    expect(config.workingHoursSpec?.days).to.deep.equal(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']);
  });

  for (const [value, detail] of [
    ['9 to 5', /"9" is not a time range like 09:00-18:00; expected "HH:MM-HH:MM DAYS TIMEZONE"/],
    ['09:00-18:00 Mon-Fri Berlin/Mitte', /not a time zone/],
    ['18:00-09:00 Mon-Fri UTC', /start must be before the end/],
    ['09:00-18:00 Weekdays UTC', /"Weekdays" is not a day/],
  ] as const) {
    it(`"${value}" throws a ConfigError naming WORKING_HOURS`, () => {
      let error: unknown;
      try {
        readConfig({ WORKING_HOURS: value });
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).variable).to.equal('WORKING_HOURS');
      expect((error as ConfigError).message)
        .to.match(/^Invalid configuration: WORKING_HOURS: /)
        .and.match(detail);
    });
  }
});
