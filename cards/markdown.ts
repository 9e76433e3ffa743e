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
