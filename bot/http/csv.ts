// CSV as RFC 4180 describes it: records end with CRLF (the last one too); a field that contains
// a double quote, a comma, a CR or an LF is enclosed in double quotes, and a double quote inside
// it is doubled. Text that starts like a formula (= + - @, tab, CR) gets a leading apostrophe, so
// a spreadsheet opening the export shows it instead of running it: also behind leading white space
// (spaces, NBSP, line breaks: spreadsheets trim them) and in full-width or other compatibility
// forms (＝, ﹦: spreadsheets fold them). null / undefined are empty.
// (A small serializer on purpose: the only CSV library in node_modules is restify's own
// dependency, which this project does not declare.)

export type CsvValue = string | number | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;
/** Text a spreadsheet would run as a formula (OWASP "CSV injection"); customer-supplied notes can start so. */
const FORMULA_START = /^[\s\u200b]*[=+\-@]|^[\t\r]/;

function looksLikeFormula(text: string): boolean {
  // NFKC folds the full-width and small forms (＝ ＋ － ＠ ﹦) into the ASCII ones a spreadsheet reads.
  return FORMULA_START.test(text) || FORMULA_START.test(text.slice(0, 64).normalize('NFKC'));
}

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  // A leading apostrophe makes a spreadsheet show the text instead of running it.
  const text = typeof value === 'string' ? (looksLikeFormula(value) ? `'${value}` : value) : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** A header record, then one record per row, columns in `columns` order. */
export function toCsv<C extends string>(columns: readonly C[], rows: ReadonlyArray<Readonly<Record<C, CsvValue>>>): string {
  return csvRecord(columns) + rows.map((row) => csvRecord(columns.map((column) => row[column]))).join('');
}
