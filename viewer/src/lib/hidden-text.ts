/**
 * Characters that change what a reader sees without being seen: bidirectional embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder the text after them ("Trojan
 * Source"), Unicode tag characters (U+E0000–U+E007F) spell ASCII text that models read and
 * screens do not ("ASCII smuggling"), and runs of variation selectors (U+FE00–U+FE0F,
 * U+E0100–U+E01EF) carry one byte each after an emoji or a letter. An audit must see all three,
 * so they are shown as plain-text markers. A flag emoji written with tags (U+1F3F4, then a
 * subdivision code of 2–6 tag letters or digits and TAG CANCEL, as the flags of England,
 * Scotland and Wales are) is left alone; any other run after U+1F3F4 is not a flag, or a black
 * flag would hide whatever followed it. One variation selector (an emoji's presentation, a CJK
 * ideograph's variant) is text as written.
 */
const HIDDEN =
  /(?<control>[\u202A-\u202E\u2066-\u2069])|(?<flag>\u{1F3F4}?)(?<tags>[\u{E0000}-\u{E007F}]+)|(?<selectors>[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]{2,})/gu;
const FLAG_TAGS = /^[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{2,6}\u{E007F}$/u;

function codePoint(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function spellTags(tags: string): string {
  return Array.from(tags, (c) => {
    const ascii = (c.codePointAt(0) ?? 0) - 0xe0000;
    return ascii >= 0x20 && ascii < 0x7f ? String.fromCharCode(ascii) : `⟨${codePoint(c)}⟩`;
  }).join('');
}

/** A control character other than tab and line breaks: bytes that are no text. */
function isControl(c: string): boolean {
  const n = c.charCodeAt(0);
  return (n < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') || n === 0x7f;
}

/** The bytes variation selectors encode (U+FE00+b for b < 16, U+E0100+b-16 above), as text when they are UTF-8. */
function spellSelectors(selectors: string): string {
  const bytes = Uint8Array.from(
    Array.from(selectors, (c) => {
      const cp = c.codePointAt(0) ?? 0;
      return cp <= 0xfe0f ? cp - 0xfe00 : cp - 0xe0100 + 16;
    }),
  );
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (!Array.from(text).some(isControl)) return `⟦hidden in variation selectors: ${text}⟧`;
  } catch {
    // Not UTF-8: named by count below.
  }
  return `⟦${bytes.length} variation selectors⟧`;
}

/** The text with each hidden control named and each run of tag characters or selectors spelt out. */
export function revealHidden(text: string): string {
  return text.replace(HIDDEN, (match: string, ...args: unknown[]) => {
    const groups = args.at(-1) as Record<'control' | 'flag' | 'tags' | 'selectors', string | undefined>;
    if (groups.control !== undefined) return `⟦${codePoint(groups.control)}⟧`;
    if (groups.selectors !== undefined) return spellSelectors(groups.selectors);
    const flag = groups.flag ?? '';
    const tags = groups.tags ?? '';
    if (flag !== '' && FLAG_TAGS.test(tags)) return match;
    return `${flag}⟦hidden tag text: ${spellTags(tags)}⟧`;
  });
}
