/**
 * Text a path `eq` also compares with a JSON number, the same on both stores: an optional minus, digits
 * with an optional fraction (or a fraction alone), an optional exponent. No sign '+', no hex, no spaces.
 */
export const NUMERIC_TEXT = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
