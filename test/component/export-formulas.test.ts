// The CSV export a manager opens in a spreadsheet: customer text that would run as a formula is
// shown, not run, also behind leading white space and in full-width form (docs/architecture.md#hardening).
// Real service, RFIs through the intake API, the export read back by an independent CSV parser.

import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { postReferral, sampleRfi } from '../support/intake-client.js';
import { serviceForEachTest } from '../support/start-service.js';

const HOSTILE = [' =HYPERLINK("http://evil.example","x")', '\u00a0=1+2', '\n+cmd|/C calc!A0', '＝HYPERLINK("http://evil.example")', '\u3000＠SUM(A1:A9)'];

describe('export: customer text that looks like a formula (component)', () => {
  const service = serviceForEachTest();

  it('every such cell starts with an apostrophe; plain text is as it was', async () => {
    for (const [index, text] of HOSTILE.entries()) {
      const rfi = sampleRfi(`formula-${index}`, { customerProfile: { name: text }, details: { notes: text } });
      expect((await postReferral(service().url, rfi)).status, JSON.stringify(text)).to.equal(201);
    }
    expect((await postReferral(service().url, sampleRfi('plain'))).status).to.equal(201);
    const res = await fetch(`${service().url}/api/referrals/export?format=csv`);
    expect(res.status).to.equal(200);
    const [header, ...rows] = parse(await res.text(), { record_delimiter: '\r\n' }) as string[][];
    const records = rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]!])));
    for (const [index, text] of HOSTILE.entries()) {
      const record = records.find((candidate) => candidate['id'] === `formula-${index}`)!;
      // The intake may trim what it stores; whatever it kept is shown behind an apostrophe.
      for (const column of ['notes', 'customer']) {
        expect(record[column]!.startsWith("'"), `${column} ${JSON.stringify(record[column])}`).to.equal(true);
        expect(record[column]!.slice(1).trim(), column).to.equal(text.trim());
      }
    }
    expect(records.find((candidate) => candidate['id'] === 'plain')!['customer']).to.equal('Fabrikam GmbH');
  });
});
