// The export's pure parts: the RFC 4180 serializer (checked against an independent parser,
// csv-parse, on awkward values) and the query rules of GET /api/referrals/export.

import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { csvField, csvRecord, toCsv } from '../../../bot/http/csv.js';
import { parseBound, parseExportQuery } from '../../../bot/http/export-route.js';
import { EXPORT_COLUMNS, toExportRow } from '../../../referrals/export-view.js';
import { scenarios } from '../../support/cards.js';

const AWKWARD = [
  'plain',
  '',
  'comma, inside',
  'a "quoted" word',
  '"',
  '""',
  'line one\nline two',
  'windows\r\nline',
  'lone\rcarriage return',
  ' leading and trailing spaces ',
  'Привет, мир — «кавычки» 👋',
  '=1+2 looks like a formula',
  'trailing comma,',
  '\n',
];

describe('export: CSV (RFC 4180)', () => {
  it('quotes only what needs it and doubles quotes', () => {
    expect(csvField('plain')).to.equal('plain');
    expect(csvField('a,b')).to.equal('"a,b"');
    expect(csvField('say "hi"')).to.equal('"say ""hi"""');
    expect(csvField('two\nlines')).to.equal('"two\nlines"');
    expect(csvField('cr\r')).to.equal('"cr\r"');
    expect(csvField(null)).to.equal('');
    expect(csvField(undefined)).to.equal('');
    expect(csvField(12.5)).to.equal('12.5');
    expect(csvField(false)).to.equal('false');
    expect(csvRecord(['a', 'b,c', null])).to.equal('a,"b,c",\r\n');
  });

  it('text a spreadsheet would run as a formula gets a leading apostrophe (numbers stay numbers)', () => {
    expect(csvField('=HYPERLINK("http://evil.example","x")')).to.equal('"\'=HYPERLINK(""http://evil.example"",""x"")"');
    for (const start of ['+', '-', '@', '\t']) expect(csvField(`${start}1`).replace(/^"/, '')).to.match(/^'/);
    expect(csvField(-5)).to.equal('-5');
    expect(csvField('a = b')).to.equal('a = b');
  });

  it('also behind leading white space (space, NBSP, line breaks) and in full-width or small forms (＝ ＋ － ＠ ﹦)', () => {
    for (const value of [' =1+2', '\u00a0=1+2', '\n=1+2', '\r\n+1', '  @SUM(A1)', '＝1+2', '＋1', '－1', '＠SUM(A1)', '﹦1', ' \u3000＝1']) {
      expect(csvField(value).replace(/^"/, ''), JSON.stringify(value)).to.match(/^'/);
    }
    for (const value of ['a ＝ b', ' plain', '\u00a0text']) expect(csvField(value).replace(/^"/, ''), JSON.stringify(value)).not.to.match(/^'/);
  });

  it('every record ends with CRLF; an independent parser reads back exactly the values', () => {
    const rows = AWKWARD.map((value, index) => ({ id: `r${index}`, notes: value, n: index }));
    const csv = toCsv(['id', 'notes', 'n'] as const, rows);
    expect(csv.endsWith('\r\n')).to.equal(true);
    expect(csv.startsWith('id,notes,n\r\n')).to.equal(true);
    const parsed = parse(csv, { relax_quotes: false, record_delimiter: '\r\n' }) as string[][];
    const shown = (value: string) => (/^\s*[=+\-@]|^[\t\r]/.test(value) ? `'${value}` : value);
    expect(parsed).to.deep.equal([['id', 'notes', 'n'], ...rows.map((row) => [row.id, shown(row.notes), String(row.n)])]);
  });

  it('referral rows: the columns in order, absent values empty', () => {
    const rows = scenarios().map((scenario) => toExportRow(scenario.referral));
    const csv = toCsv(EXPORT_COLUMNS, rows);
    const [header, ...records] = parse(csv) as string[][];
    expect(header).to.deep.equal([...EXPORT_COLUMNS]);
    expect(records).to.have.length(rows.length);
    const declined = records[rows.findIndex((row) => row.substatus === 'Declined')]!;
    const column = (name: (typeof EXPORT_COLUMNS)[number]) => declined[EXPORT_COLUMNS.indexOf(name)];
    expect(column('closingReason')).to.equal('NotACustomer');
    expect(column('closingNotes')).to.equal('A student project');
    expect(column('responseTimeSeconds')).to.equal(String(3 * 3600));
    expect(column('ownerId')).to.equal('');
  });
});

describe('export: query', () => {
  it('format csv (default) or json; anything else is refused', () => {
    expect(parseExportQuery({})).to.deep.equal({ ok: true, query: { format: 'csv' } });
    expect(parseExportQuery({ format: 'JSON' })).to.deep.equal({ ok: true, query: { format: 'json' } });
    expect(parseExportQuery({ format: 'xlsx' })).to.deep.include({ ok: false });
    expect(parseExportQuery({ format: ['csv', 'json'] })).to.deep.include({ ok: false });
  });

  it('from / to: a day (UTC, `to` through its end) or a date-time with a zone', () => {
    expect(parseBound('2026-03-01', 'from')).to.equal(Date.parse('2026-03-01T00:00:00Z'));
    expect(parseBound('2026-03-01', 'to')).to.equal(Date.parse('2026-03-02T00:00:00Z'));
    expect(parseBound('2026-03-01T09:30:00+01:00', 'from')).to.equal(Date.parse('2026-03-01T08:30:00Z'));
    expect(parseBound('2026-03-01T09:30Z', 'to')).to.equal(Date.parse('2026-03-01T09:30:00Z'));
    for (const bad of ['2026-02-30', '2026-3-1', '01.03.2026', '2026-03-01T09:30', 'yesterday', '2026-13-01']) {
      expect(parseBound(bad, 'from'), bad).to.be.a('string');
    }
    expect(parseExportQuery({ from: '2026-03-02', to: '2026-03-01' })).to.deep.equal({ ok: false, details: [{ path: 'to', message: 'must be after from' }] });
    expect(parseExportQuery({ from: '2026-03-01', to: '2026-03-01' })).to.deep.include({ ok: true });
  });
});
