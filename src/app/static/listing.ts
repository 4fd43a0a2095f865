// Static files, part 4: a directory listing, only when the app asks for one (listing: true).
// Pure. Names come from the file system, not the request: each is escaped into the page and
// encoded into its link, which is relative (./name), so it can never leave the directory's
// URL nor be read as a scheme (`javascript:` is encoded as javascript%3A).

import { escapeHtml, trusted, type Html } from '../html.js';
import { encodeName } from './resolve.js';

/** One entry of a listed directory. */
export interface ListedEntry {
  readonly name: string;
  readonly directory: boolean;
}

/** A small HTML page listing `entries` (already filtered), directories first, each group by name. */
export function listingPage(title: string, entries: readonly ListedEntry[]): Html {
  const sorted = [...entries].sort((a, b) => (a.directory === b.directory ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.directory ? -1 : 1));
  const items: string[] = [];
  for (const entry of sorted) {
    const slash = entry.directory ? '/' : '';
    items.push(`<li><a href="./${encodeName(entry.name)}${slash}">${escapeHtml(entry.name)}${slash}</a></li>\n`);
  }
  const heading = escapeHtml(title);
  return trusted([`<!doctype html>\n<meta charset="utf-8">\n<title>${heading}</title>\n<h1>${heading}</h1>\n<ul>\n`, ...items, '</ul>\n']);
}
