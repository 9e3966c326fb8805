/**
 * Characters that change what a reader sees without being seen: bidirectional embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder the text after them ("Trojan
 * Source"), and Unicode tag characters (U+E0000–U+E007F) spell ASCII text that models read and
 * screens do not ("ASCII smuggling"). An audit must see both, so they are shown as plain-text
 * markers. A flag emoji written with tags (U+1F3F4, then a subdivision code of 2–6 tag letters
 * or digits and TAG CANCEL, as the flags of England, Scotland and Wales are) is left alone; any
 * other run after U+1F3F4 is not a flag, or a black flag would hide whatever followed it.
 */
const HIDDEN = /[\u202A-\u202E\u2066-\u2069]|(\u{1F3F4}?)((?:[\u{E0000}-\u{E007F}])+)/gu;
const FLAG_TAGS = /^[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{2,6}\u{E007F}$/u;

function codePoint(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The text with each hidden control named and each run of tag characters spelt out. */
export function revealHidden(text: string): string {
  return text.replace(HIDDEN, (match: string, flag: string | undefined, tags: string | undefined) => {
    if (tags === undefined) return `⟦${codePoint(match)}⟧`;
    if (flag && FLAG_TAGS.test(tags)) return match;
    const before = flag ?? '';
    const spelt = Array.from(tags, (c) => {
      const ascii = (c.codePointAt(0) ?? 0) - 0xe0000;
      return ascii >= 0x20 && ascii < 0x7f ? String.fromCharCode(ascii) : `⟨${codePoint(c)}⟩`;
    }).join('');
    return `${before}⟦hidden tag text: ${spelt}⟧`;
  });
}
