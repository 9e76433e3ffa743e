// What free text (an RFI's names and notes, a form's inputs) may hold: well-formed Unicode and no
// control characters but tab and line breaks. A NUL or an escape sequence in a name is never
// what a person typed, and a lone surrogate cannot be stored as UTF-8 faithfully.

// C0 but tab, LF and CR; DEL; C1 (\p{Cc} minus the three).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_BUT_BREAKS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

export function isCleanText(value: string): boolean {
  return value.isWellFormed() && !CONTROL_BUT_BREAKS.test(value);
}
