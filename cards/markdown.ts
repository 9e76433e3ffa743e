// Outside text (a customer's name, notes, contacts; a seller's display name; an id) shown where
// Teams renders markdown: TextBlock text and FactSet titles and values. Escaped so that it reads
// as typed and can never make a link, emphasis or list that looks like the bot's own
// (docs/architecture.md#hardening). Never for input values: those are not markdown.

/** Characters that start or end markdown anywhere in a line. */
const INLINE = /[\\`*_[\]<>~|]/g;
/** What makes a line a heading, list item or rule: a marker, then white space or the line's end ("+49 30…" is none). */
const LINE_START = /^([ \t]*)([-+#=]|\d{1,9}[.)])(?=[-+#=]*(?:[ \t]|$))/gm;
/** An entity reference (`&lt;`, `&#91;`) would show as another character than the one typed. */
const ENTITY = /&(?=#?[a-zA-Z0-9]+;)/g;

/** `text` with every markdown construct escaped by a backslash (CommonMark escapes any ASCII punctuation). */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(INLINE, '\\$&')
      .replace(ENTITY, '\\&')
      .replace(LINE_START, (_match, indent: string, marker: string) =>
        /\d/.test(marker) ? `${indent}${marker.slice(0, -1)}\\${marker.slice(-1)}` : `${indent}\\${marker}`,
      )
      // Teams expands {{DATE(…)}} and {{TIME(…)}} in card text before markdown: customer text must not.
      .replace(/\{\{/g, '\\{\\{')
  );
}

/** escapeMarkdown for a value that may be absent. */
export function escapeOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : escapeMarkdown(text);
}

/** An address a link may be built from: no white space and nothing that ends a markdown link or starts HTML. */
const EMAIL = /^[^\s@()[\]<>"\\`]{1,64}@[^\s@()[\]<>"\\`]+\.[^\s@()[\]<>"\\`.]{2,}$/;
/** What a phone number may hold: digits, one leading +, and the usual separators. */
const PHONE = /^\+?[\d\s().\-/]{4,40}$/;

/**
 * An e-mail address as a `mailto:` link, or escaped text when it is not a plain address. The link's
 * target is the address checked here, so outside text cannot make a link to anywhere else. Its
 * hyphens are non-breaking (U+2011): a card never wraps "brenner-maschinenbau" at the hyphen.
 */
export function emailLink(email: string): string {
  const address = email.trim();
  if (!EMAIL.test(address)) return escapeMarkdown(email);
  return `[${escapeMarkdown(address).replace(/-/g, '\u2011')}](mailto:${encodeURI(address)})`;
}

/** A phone number as a `tel:` link (digits and a leading + only in the target), kept on one line (no-break spaces and hyphens), or escaped text. */
export function phoneLink(phone: string): string {
  const shown = phone.trim();
  const digits = shown.replace(/[^\d+]/g, '');
  if (!PHONE.test(shown) || !/^\+?\d{4,20}$/.test(digits)) return escapeMarkdown(phone);
  return `[${escapeMarkdown(shown).replace(/-/g, '\u2011').replace(/ /g, '\u00a0')}](tel:${digits})`;
}
