/** RFC 8288 `Link` header parsing, for header_link pagination and its auto-detection. */

interface Link {
  url: string;
  rels: string[];
}

/**
 * The target of the first link whose `rel` list contains `rel` (case-insensitive), or `null`.
 *
 * @example findLink('<https://x/items?page=2>; rel="next", <https://x/items?page=9>; rel="last"', 'next')
 * // 'https://x/items?page=2'
 */
export function findLink(header: string | undefined, rel: string): string | null {
  if (!header) return null;
  const wanted = rel.toLowerCase();
  return parseLinks(header).find((link) => link.rels.includes(wanted))?.url ?? null;
}

/** Splits on commas outside `<…>` and quotes, so URLs and titles may contain commas. */
function parseLinks(header: string): Link[] {
  const links: Link[] = [];
  let i = 0;
  while (i < header.length) {
    const open = header.indexOf('<', i);
    if (open < 0) break;
    const close = header.indexOf('>', open);
    if (close < 0) break;
    const url = header.slice(open + 1, close).trim();
    let end = close + 1;
    let quoted = false;
    for (; end < header.length; end++) {
      const ch = header[end];
      if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) break;
    }
    links.push({ url, rels: relsOf(header.slice(close + 1, end)) });
    i = end + 1;
  }
  return links;
}

function relsOf(params: string): string[] {
  for (const param of params.split(';')) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'rel') continue;
    const value = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    return value.toLowerCase().split(/\s+/).filter(Boolean);
  }
  return [];
}
