/**
 * Text for XML 1.0, in element content or a double- or single-quoted attribute: the five
 * markup characters as entities, tab and line ends as character references (an attribute
 * would otherwise turn them into spaces), and characters XML 1.0 cannot hold at all
 * (other control characters, lone surrogates, U+FFFE/U+FFFF) as U+FFFD.
 */
export function xmlEscape(text: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters XML 1.0 forbids are what it finds
  return text.replace(/[&<>"'\t\n\r]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      case '\t':
        return '&#9;';
      case '\n':
        return '&#10;';
      case '\r':
        return '&#13;';
      default:
        return '\ufffd';
    }
  });
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
