/**
 * Characters that change what a reader sees without being seen: bidirectional embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder the text after them ("Trojan
 * Source"), and Unicode tag characters (U+E0000–U+E007F) spell ASCII text that models read and
 * screens do not ("ASCII smuggling"). An audit must see both, so they are shown as plain-text
 * markers. Tags that end a flag emoji (U+1F3F4 followed by tags, as the flags of England,
 * Scotland and Wales are written) are left alone.
 */
const HIDDEN = /[\u202A-\u202E\u2066-\u2069]|(\u{1F3F4}?)((?:[\u{E0000}-\u{E007F}])+)/gu;

function codePoint(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The text with each hidden control named and each run of tag characters spelt out. */
export function revealHidden(text: string): string {
  return text.replace(HIDDEN, (match: string, flag: string | undefined, tags: string | undefined) => {
    if (tags === undefined) return `⟦${codePoint(match)}⟧`;
    if (flag) return match;
    const spelt = Array.from(tags, (c) => {
      const ascii = (c.codePointAt(0) ?? 0) - 0xe0000;
      return ascii >= 0x20 && ascii < 0x7f ? String.fromCharCode(ascii) : `⟨${codePoint(c)}⟩`;
    }).join('');
    return `⟦hidden tag text: ${spelt}⟧`;
  });
}
