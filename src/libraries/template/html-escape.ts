/**
 * Kapacitor renders the `details` template with Go's `html/template`, which escapes the output of
 * every action. We reproduce its escaping for HTML text (the context of nearly every details
 * template, and of the default `{{ json . }}`): that is why Kapacitor's default details reads
 * `{&#34;Name&#34;:...}`.
 */

// eslint-disable-next-line no-control-regex -- NUL is one of the characters Go replaces
const NEEDS_ESCAPING = /[\u0000"&'+<>]/;

/** Go `html/template`'s escaper for text in HTML (`htmlEscaper` with its replacement table). */
export function escapeHtmlText(text: string): string {
  if (!NEEDS_ESCAPING.test(text)) return text;
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    let replacement: string;
    switch (text.charCodeAt(i)) {
      case 0x22:
        replacement = '&#34;';
        break;
      case 0x26:
        replacement = '&amp;';
        break;
      case 0x27:
        replacement = '&#39;';
        break;
      case 0x2b:
        replacement = '&#43;';
        break;
      case 0x3c:
        replacement = '&lt;';
        break;
      case 0x3e:
        replacement = '&gt;';
        break;
      case 0x00:
        replacement = '\uFFFD';
        break;
      default:
        continue;
    }
    out += text.slice(copied, i) + replacement;
    copied = i + 1;
  }
  return out + text.slice(copied);
}
