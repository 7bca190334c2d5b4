// Pretty-prints JSON text into indented lines with fold ranges by tokenizing it, never JSON.parse: a
// value cut at a byte limit (not valid JSON) still formats, the work is one pass over the text, and
// nesting depth costs an array entry per level, never a stack frame. Lines are kept as offsets into
// the text (typed arrays, no string per line): a 5 MB value makes ~360k lines without a string each.

/**
 * Line `i` reads `key: value,` with its key, value and comma each optional: the key is
 * `source.slice(keyStart[i], keyEnd[i])` (none when equal), the value `source.slice(valueStart[i],
 * valueEnd[i])`. Use lineKey/lineValue/lineText rather than the offsets.
 */
export type JsonLines = {
  source: string;
  count: number;
  keyStart: Int32Array;
  keyEnd: Int32Array;
  valueStart: Int32Array;
  valueEnd: Int32Array;
  /** each line's nesting depth (its indentation, in levels) */
  depth: Int32Array;
  /** 1 when a comma ends the line */
  comma: Uint8Array;
  /**
   * For a line that opens an object or array: the line that closes it — for one the text leaves open,
   * the closing note. -1 for every other line.
   */
  foldEnd: Int32Array;
  /** for a line that opens an object or array: its keys or items (for one left open, those seen) */
  items: Int32Array;
  /** the index of the closing note (its text is `endNoteText`), or -1 when the text ends where its value ends */
  endNote: number;
  endNoteText: string;
};

export const TRUNCATED_NOTE = '… truncated';
/**
 * Lines formatted at most: 500,000 lines of 20 px are 10 million px of scroll height, under what
 * browsers lay out (Chrome ~33.5M px, Firefox ~17.9M); 4 MB of bare commas would otherwise make 4
 * million lines (seconds of main thread, hundreds of MB of arrays).
 */
export const MAX_FORMATTED_LINES = 500_000;
export const STOPPED_NOTE = '… formatting stops here: Raw or Download raw shows the rest';
export const UNFINISHED_NOTE = '… the text ends here';

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Whitespace or a character that ends a bare token (number, true, false, null or anything else). */
function endsBareToken(c: number): boolean {
  return isSpace(c) || c === COMMA || c === COLON || c === OPEN_BRACKET || c === CLOSE_BRACKET || c === OPEN_BRACE || c === CLOSE_BRACE || c === QUOTE;
}

/**
 * `truncated`: the text is the start of a longer value (the server sent a prefix); the last line
 * says "… truncated". Without it, text that stops inside a value ends with "… the text ends here".
 */
export function formatJsonLines(source: string, { truncated = false, maxLines = MAX_FORMATTED_LINES }: { truncated?: boolean; maxLines?: number } = {}): JsonLines {
  let capacity = 1024;
  let keyStart = new Int32Array(capacity);
  let keyEnd = new Int32Array(capacity);
  let valueStart = new Int32Array(capacity);
  let valueEnd = new Int32Array(capacity);
  let depth = new Int32Array(capacity);
  let comma = new Uint8Array(capacity);
  let foldEnd = new Int32Array(capacity);
  let items = new Int32Array(capacity);
  const grow = () => {
    capacity *= 2;
    const bigger = <T extends Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(capacity);
      b.set(a);
      return b;
    };
    keyStart = bigger(keyStart);
    keyEnd = bigger(keyEnd);
    valueStart = bigger(valueStart);
    valueEnd = bigger(valueEnd);
    depth = bigger(depth);
    comma = bigger(comma);
    foldEnd = bigger(foldEnd);
    items = bigger(items);
  };

  // The line being built (index `count`): its key and value offsets, -1 while it has none.
  let count = 0;
  let ks = -1;
  let ke = -1;
  let vs = -1;
  let ve = -1;
  let level = 0;
  const flush = (withComma: boolean) => {
    if (ks === -1 && vs === -1 && !withComma) return;
    if (count === capacity) grow();
    keyStart[count] = ks === -1 ? 0 : ks;
    keyEnd[count] = ks === -1 ? 0 : ke;
    valueStart[count] = vs === -1 ? 0 : vs;
    valueEnd[count] = vs === -1 ? 0 : ve;
    depth[count] = level;
    comma[count] = withComma ? 1 : 0;
    foldEnd[count] = -1;
    items[count] = 0;
    count++;
    ks = ke = vs = ve = -1;
  };
  /** A value from `start` to `end` joins the line; one that follows another without a comma starts a line of its own. */
  const setValue = (start: number, end: number) => {
    if (vs !== -1) flush(false);
    vs = start;
    ve = end;
  };

  // Open objects and arrays, innermost last: the line that opened each and the commas seen inside it.
  const openLines: number[] = [];
  const commas: number[] = [];
  let endedInside = false;
  const n = source.length;
  let i = 0;
  let stopped = false;
  while (i < n) {
    if (count >= maxLines) {
      stopped = true;
      break;
    }
    const c = source.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const close = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      let j = i + 1;
      while (j < n && isSpace(source.charCodeAt(j))) j++;
      if (j < n && source.charCodeAt(j) === close) {
        // Empty: stays on one line (lineValue prints it without the space inside).
        setValue(i, j + 1);
        i = j + 1;
        continue;
      }
      setValue(i, i + 1);
      flush(false);
      openLines.push(count - 1);
      commas.push(0);
      level++;
      i++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      // Its own line, one level out; a comma after it joins it.
      flush(false);
      if (openLines.length > 0) {
        const opened = openLines.pop()!;
        const seen = commas.pop()!;
        level--;
        foldEnd[opened] = count;
        items[opened] = count > opened + 1 ? seen + 1 : 0;
      }
      setValue(i, i + 1);
      i++;
    } else if (c === COMMA) {
      flush(true);
      if (commas.length > 0) commas[commas.length - 1]++;
      i++;
    } else if (c === COLON) {
      // The value before a colon was a key. (A second colon or one without a key has nothing to print.)
      if (vs !== -1 && ks === -1) {
        ks = vs;
        ke = ve;
        vs = ve = -1;
      }
      i++;
    } else if (c === QUOTE) {
      // The closing quote is the next one not escaped: preceded by an even run of backslashes.
      let j = i + 1;
      for (;;) {
        j = source.indexOf('"', j);
        if (j === -1) break;
        let slashes = 0;
        while (source.charCodeAt(j - 1 - slashes) === BACKSLASH) slashes++;
        if (slashes % 2 === 0) break;
        j++;
      }
      if (j === -1) {
        setValue(i, n);
        endedInside = true;
        i = n;
      } else {
        setValue(i, j + 1);
        i = j + 1;
      }
    } else {
      let j = i + 1;
      while (j < n && !endsBareToken(source.charCodeAt(j))) j++;
      setValue(i, j);
      i = j;
    }
  }
  if (!stopped) flush(false);

  let endNote = -1;
  if (stopped || truncated || endedInside || openLines.length > 0) {
    endNote = count;
    if (count === capacity) grow();
    keyStart[count] = keyEnd[count] = valueStart[count] = valueEnd[count] = 0;
    depth[count] = level;
    comma[count] = 0;
    foldEnd[count] = -1;
    items[count] = 0;
    count++;
    // Left open: each folds up to the note and counts what was seen.
    for (let k = 0; k < openLines.length; k++) {
      const opened = openLines[k];
      foldEnd[opened] = endNote;
      items[opened] = endNote > opened + 1 ? commas[k] + 1 : 0;
    }
  }
  return {
    source,
    count,
    keyStart: keyStart.slice(0, count),
    keyEnd: keyEnd.slice(0, count),
    valueStart: valueStart.slice(0, count),
    valueEnd: valueEnd.slice(0, count),
    depth: depth.slice(0, count),
    comma: comma.slice(0, count),
    foldEnd: foldEnd.slice(0, count),
    items: items.slice(0, count),
    endNote,
    endNoteText: stopped ? STOPPED_NOTE : truncated ? TRUNCATED_NOTE : UNFINISHED_NOTE,
  };
}

/** The line's key as written in the text (quotes included), or '' when it has none. */
export function lineKey(lines: JsonLines, i: number): string {
  return lines.source.slice(lines.keyStart[i], lines.keyEnd[i]);
}

/** How many characters the line's value has (the note's text for the closing note). */
export function lineValueLength(lines: JsonLines, i: number): number {
  return i === lines.endNote ? lines.endNoteText.length : lines.valueEnd[i] - lines.valueStart[i];
}

/** The line's value, at most `max` characters of it; an empty object or array prints as {} or []. */
export function lineValue(lines: JsonLines, i: number, max = Infinity): string {
  if (i === lines.endNote) return lines.endNoteText;
  const start = lines.valueStart[i];
  const end = lines.valueEnd[i];
  const first = lines.source.charCodeAt(start);
  if (end - start > 2 && (first === OPEN_BRACE || first === OPEN_BRACKET)) return first === OPEN_BRACE ? '{}' : '[]';
  return lines.source.slice(start, Math.min(end, start + max));
}

/** The whole line as JSON.stringify(value, null, 2) would print it, without its indentation. */
export function lineText(lines: JsonLines, i: number): string {
  const key = lineKey(lines, i);
  return (key === '' ? '' : `${key}: `) + lineValue(lines, i) + (lines.comma[i] ? ',' : '');
}

/**
 * The lines on screen, in order, when the lines marked in `folded` (openers) are folded: a folded
 * line stands for everything up to and including its closing line. Linear in the lines shown plus
 * the folds skipped.
 */
export function visibleLines(lines: JsonLines, folded: Uint8Array): Int32Array {
  const shown = new Int32Array(lines.count);
  let k = 0;
  for (let i = 0; i < lines.count; i++) {
    shown[k++] = i;
    if (folded[i] && lines.foldEnd[i] > i) i = lines.foldEnd[i];
  }
  return shown.subarray(0, k);
}

/** Every line that opens an object or array marked folded. */
export function foldEverything(lines: JsonLines): Uint8Array {
  const folded = new Uint8Array(lines.count);
  for (let i = 0; i < lines.count; i++) if (lines.foldEnd[i] > i) folded[i] = 1;
  return folded;
}

/** The slice [first, last) of `total` rows of `rowHeight` px to render for a scroll position, with `overscan` rows either side. */
export function rowWindow(scrollTop: number, viewportHeight: number, total: number, rowHeight: number, overscan: number): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return [Math.min(first, last), last];
}
