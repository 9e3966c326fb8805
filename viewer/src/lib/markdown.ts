/**
 * Message content as safe markdown. Two independent guards: marked never passes raw HTML through
 * (HTML tokens are escaped into text, images become plain links), and DOMPurify then keeps only a
 * strict allowlist of tags and attributes. Content is untrusted; nothing in it may execute.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const marked = new Marked({
  async: false,
  gfm: true,
  breaks: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    image: ({ href, text }) => escapeHtml(`![${text}](${href})`),
  },
});

const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'a',
  'input',
];

let hooked = false;
function purify(html: string): string {
  if (!hooked) {
    // Links from content open outside the app and never carry the workspace URL as referrer.
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A' && !node.hasAttribute('href')) {
        // Its address was not http(s) or mailto (javascript:, data:, ...): still shown, as text.
        node.setAttribute('title', 'Link removed: its address is not http(s) or mailto');
      } else if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
      if (node.tagName === 'INPUT' && node.getAttribute('type') !== 'checkbox') node.remove();
    });
    hooked = true;
  }
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href', 'title', 'type', 'checked', 'disabled', 'align'],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
    ALLOW_DATA_ATTR: false,
  });
}

export function renderMarkdown(source: string): string {
  return purify(marked.parse(source) as string);
}
