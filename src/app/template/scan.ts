// The HTML context machine: reads a template's literal text in order, as a browser's
// tokenizer would (HTML §13.2.5, the states that matter to escaping), and tells for each
// slot between two literals which escaper is safe there, or why none is (inside a script,
// ScriptReader tells code from strings and comments). One Scanner reads
// one template part, from text to text; it is pure and runs once per template, at compile
// time, so rendering only calls the escaper chosen here. Go's html/template is the model.

import type { TemplateErrorCode } from './errors.js';
import { ScriptReader } from './script.js';
import { readUrlText } from './url.js';

/** Where a slot's value lands, which picks its escaper. */
export type SlotContext = 'text' | 'attribute' | 'url' | 'url-start' | 'script';

/** A slot no escaper can make safe, and why. */
export interface Refusal {
  readonly code: TemplateErrorCode;
  readonly reason: string;
}

type State =
  | 'text' | 'tag-open' | 'end-tag-open' | 'markup' | 'tag-name' | 'before-attribute' | 'attribute-name'
  | 'after-attribute-name' | 'before-value' | 'value' | 'unquoted-value' | 'after-value'
  | 'comment' | 'bogus' | 'cdata' | 'rcdata' | 'raw-text';

type AttributeKind = 'plain' | 'url' | 'script' | 'style' | 'html';
type UrlPart = 'start' | 'after-slot' | 'decided';

const RCDATA = new Set(['title', 'textarea']);
// script and style take json(); the others hold text no slot belongs in.
const RAW_TEXT = new Set(['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext']);
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'poster', 'cite', 'srcset', 'data', 'xlink:href', 'background', 'longdesc', 'usemap', 'manifest', 'codebase', 'ping', 'icon']);

function attributeKind(name: string): AttributeKind {
  if (name.startsWith('on')) return 'script';
  if (name === 'style') return 'style';
  if (name === 'srcdoc') return 'html';
  return URL_ATTRIBUTES.has(name) ? 'url' : 'plain';
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r';
}

function isAlpha(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/** Reads literal text and places slots; feed() and slot() alternate, end() checks the finish. */
export class Scanner {
  #state: State = 'text';
  #buffer = ''; // a tag or attribute name being read, or the start of a markup declaration
  #tag = ''; // the start tag's name, or the raw-text element we are in
  #endTag = false;
  #attribute: AttributeKind = 'plain';
  #attributeName = '';
  #delimiter = '';
  #url: UrlPart = 'start';
  #urlText = ''; // literal URL text since the value began or since the last slot
  #comment = ''; // the last characters of a comment, to find its end
  #endMatch = 0; // how much of `</tag` the raw text has matched
  #script: ScriptReader | null = null; // inside <script> or <style>: strings and comments

  /**
   * Reads literal text. Returns a refusal, with the index of the character that caused it,
   * when the text undoes a URL decision (a `:` right after the slot that began the URL).
   */
  feed(text: string): (Refusal & { readonly at: number }) | null {
    for (let i = 0; i < text.length; i++) {
      const refusal = this.#step(text[i]!);
      if (refusal !== null) return { ...refusal, at: i };
    }
    return null;
  }

  /** The context of a slot placed here, or why there can be none. Advances past the slot. */
  slot(): SlotContext | Refusal {
    switch (this.#state) {
      case 'text':
        return 'text';
      case 'rcdata':
        return this.#endMatch > 0 ? { code: 'bad-html', reason: `a slot inside what may be the end tag </${this.#tag}>` } : 'text';
      case 'raw-text':
        if (this.#endMatch > 0) return { code: 'bad-html', reason: `a slot inside what may be the end tag </${this.#tag}>` };
        if (this.#script !== null) {
          if (!this.#script.inCode) return { code: 'slot-in-script-literal', reason: `a slot inside ${this.#script.where} in <${this.#tag}>: json() text is an expression, whose quotes would end the literal; put the slot where a value goes, as var x = {...};` };
          this.#script.slot();
          return 'script';
        }
        return { code: 'slot-in-raw-text', reason: `a slot inside <${this.#tag}>, whose content is never markup nor script data` };
      case 'value':
        return this.#valueSlot();
      case 'before-value':
      case 'unquoted-value':
        return { code: 'unquoted-attribute', reason: `a slot in the unquoted value of the attribute ${this.#attributeName}: quote the value, as ${this.#attributeName}="{...}"` };
      case 'tag-open':
      case 'end-tag-open':
      case 'tag-name':
        return { code: 'slot-in-tag', reason: 'a slot in a tag name: a template fixes its elements' };
      case 'before-attribute':
      case 'attribute-name':
      case 'after-attribute-name':
      case 'after-value':
        return { code: 'slot-in-tag', reason: 'a slot where an attribute name goes: a template fixes its attributes; put the slot in a quoted value' };
      case 'comment':
        return { code: 'slot-in-comment', reason: 'a slot inside an HTML comment' };
      case 'markup':
      case 'bogus':
      case 'cdata':
        return { code: 'slot-in-markup', reason: 'a slot inside a markup declaration (<!...>, <?...?> or CDATA)' };
    }
  }

  /** Null when the template ended where it began, in text; else why not. */
  end(): Refusal | null {
    if (this.#state === 'text') return null;
    const where = this.#state === 'raw-text' || this.#state === 'rcdata' ? `inside <${this.#tag}>` : this.#state === 'comment' ? 'inside a comment' : 'inside a tag';
    return { code: 'end-context', reason: `the template ends ${where}: each template and each section must close what it opens` };
  }

  #valueSlot(): SlotContext | Refusal {
    const name = this.#attributeName;
    switch (this.#attribute) {
      case 'script':
        return { code: 'event-handler-attribute', reason: `a slot in the event handler attribute ${name}: its value is script; pass data through a data-* attribute or json() in a <script>` };
      case 'style':
        return { code: 'style-attribute', reason: `a slot in the style attribute: its value is CSS; choose among classes instead` };
      case 'html':
        return { code: 'html-attribute', reason: `a slot in the ${name} attribute: its value is a whole HTML document` };
      case 'plain':
        return 'attribute';
      case 'url':
        return this.#urlSlot();
    }
  }

  #urlSlot(): SlotContext | Refusal {
    const name = this.#attributeName;
    const reading = readUrlText(this.#urlText);
    if (reading === 'unreadable') return { code: 'ambiguous-url', reason: `a slot in the URL attribute ${name} after a character reference that is unknown or unfinished` };
    if (this.#url === 'decided') return 'url';
    if (this.#url === 'start') {
      if (reading === 'empty') {
        this.#url = 'after-slot';
        this.#urlText = '';
        return 'url-start';
      }
      if (reading === 'partial') return { code: 'ambiguous-url', reason: `a slot in the URL attribute ${name} after text that it could turn into a scheme; end the literal part with / ? or #` };
      this.#url = 'decided';
      return 'url';
    }
    // After a slot that began the URL: only a / ? or # in between fixes the scheme.
    if (reading === 'scheme-decided') {
      this.#url = 'decided';
      return 'url';
    }
    return { code: 'ambiguous-url', reason: `a second slot in the URL attribute ${name} with no / ? or # after the first: together they could make a scheme` };
  }

  // After a slot at the start of a URL, a ':' (before any / ? #) in the literal would make
  // the slot's value a scheme the filter never saw.
  #checkAfterSlot(): Refusal | null {
    if (this.#url !== 'after-slot') return null;
    const reading = readUrlText(this.#urlText);
    if (reading === 'colon' || reading === 'unreadable') return { code: 'ambiguous-url', reason: `a ':' after the slot that begins the URL attribute ${this.#attributeName}: the slot would be the scheme` };
    if (reading === 'scheme-decided') this.#url = 'decided';
    return null;
  }

  #finishTag(): void {
    if (this.#endTag) this.#state = 'text';
    else if (RCDATA.has(this.#tag)) this.#state = 'rcdata';
    else if (RAW_TEXT.has(this.#tag)) {
      this.#state = 'raw-text';
      this.#script = this.#tag === 'script' || this.#tag === 'style' ? new ScriptReader(this.#tag === 'style') : null;
    } else this.#state = 'text';
    this.#endMatch = 0;
  }

  #startAttribute(c: string): void {
    this.#state = 'attribute-name';
    this.#buffer = c.toLowerCase();
  }

  #step(c: string): Refusal | null {
    switch (this.#state) {
      case 'text':
        if (c === '<') this.#state = 'tag-open';
        return null;
      case 'tag-open':
        if (isAlpha(c)) {
          this.#state = 'tag-name';
          this.#buffer = c.toLowerCase();
          this.#endTag = false;
        } else if (c === '/') this.#state = 'end-tag-open';
        else if (c === '!') {
          this.#state = 'markup';
          this.#buffer = '';
        } else if (c === '?') this.#state = 'bogus';
        else {
          this.#state = 'text';
          return this.#step(c);
        }
        return null;
      case 'end-tag-open':
        if (isAlpha(c)) {
          this.#state = 'tag-name';
          this.#buffer = c.toLowerCase();
          this.#endTag = true;
        } else this.#state = c === '>' ? 'text' : 'bogus';
        return null;
      case 'markup':
        this.#buffer += c;
        if (this.#buffer === '--') {
          this.#state = 'comment';
          this.#comment = '';
        } else if (this.#buffer === '[CDATA[') this.#state = 'cdata';
        else if (!'--'.startsWith(this.#buffer) && !'[CDATA['.startsWith(this.#buffer)) this.#state = c === '>' ? 'text' : 'bogus';
        return null;
      case 'comment': {
        this.#comment = (this.#comment + c).slice(-4);
        // `<!-->` and `<!--->` end at once (HTML §13.2.5.43); else `-->` or `--!>`.
        if (c === '>' && (this.#comment === '>' || this.#comment === '->' || this.#comment.endsWith('-->') || this.#comment === '--!>')) this.#state = 'text';
        return null;
      }
      case 'bogus':
        if (c === '>') this.#state = 'text';
        return null;
      case 'cdata':
        this.#comment = (this.#comment + c).slice(-3);
        if (this.#comment === ']]>') this.#state = 'text';
        return null;
      case 'tag-name':
        if (isSpace(c) || c === '/') {
          this.#tag = this.#buffer;
          this.#state = 'before-attribute';
        } else if (c === '>') {
          this.#tag = this.#buffer;
          this.#finishTag();
        } else this.#buffer += c.toLowerCase();
        return null;
      case 'before-attribute':
        if (c === '>') this.#finishTag();
        else if (!isSpace(c) && c !== '/') this.#startAttribute(c);
        return null;
      case 'attribute-name':
        if (isSpace(c)) this.#state = 'after-attribute-name';
        else if (c === '/') this.#state = 'before-attribute';
        else if (c === '>') this.#finishTag();
        else if (c === '=') this.#beginValue();
        else this.#buffer += c.toLowerCase();
        return null;
      case 'after-attribute-name':
        if (c === '=') this.#beginValue();
        else if (c === '/') this.#state = 'before-attribute';
        else if (c === '>') this.#finishTag();
        else if (!isSpace(c)) this.#startAttribute(c);
        return null;
      case 'before-value':
        if (c === '"' || c === "'") {
          this.#state = 'value';
          this.#delimiter = c;
        } else if (c === '>') this.#finishTag();
        else if (!isSpace(c)) this.#state = 'unquoted-value';
        return null;
      case 'value':
        if (c === this.#delimiter) {
          const refusal = this.#checkAfterSlot();
          this.#state = 'after-value';
          return refusal;
        }
        if (this.#attribute === 'url' && this.#url !== 'decided') {
          this.#urlText += c;
          if (this.#url === 'after-slot' && (c === ':' || c === '/' || c === '?' || c === '#' || c === ';')) return this.#checkAfterSlot();
        }
        return null;
      case 'unquoted-value':
        if (isSpace(c)) this.#state = 'before-attribute';
        else if (c === '>') this.#finishTag();
        return null;
      case 'after-value':
        if (isSpace(c) || c === '/') this.#state = 'before-attribute';
        else if (c === '>') this.#finishTag();
        else this.#startAttribute(c);
        return null;
      case 'rcdata':
      case 'raw-text':
        return this.#stepRaw(c);
    }
  }

  #beginValue(): void {
    this.#attributeName = this.#buffer;
    this.#attribute = this.#endTag ? 'plain' : attributeKind(this.#buffer);
    this.#state = 'before-value';
    this.#url = 'start';
    this.#urlText = '';
  }

  // Raw text and RCDATA end only at `</tag` followed by space, / or > (HTML §13.2.5.11).
  #stepRaw(c: string): null {
    if (this.#tag === 'plaintext') return null;
    this.#script?.step(c);
    const end = `</${this.#tag}`;
    if (this.#endMatch === end.length) {
      if (isSpace(c) || c === '/' || c === '>') {
        this.#endTag = true;
        this.#endMatch = 0;
        if (c === '>') this.#state = 'text';
        else this.#state = 'before-attribute';
        return null;
      }
      this.#endMatch = 0;
    }
    if (this.#endMatch > 0 && c.toLowerCase() === end[this.#endMatch]) this.#endMatch++;
    else this.#endMatch = c === '<' ? 1 : 0;
    return null;
  }
}
