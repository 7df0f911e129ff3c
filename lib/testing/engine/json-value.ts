/**
 * A copy of a value as JSON would carry it (what a service receives, what a handler's
 * result becomes): plain objects, arrays and primitives are copied directly; `undefined`
 * members are dropped (in arrays they become `null`), non-finite numbers become `null`, and
 * anything else (dates, objects with `toJSON`, class instances) goes through JSON.
 */
export function jsonCopy(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      copy[i] = item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : jsonCopy(item);
    }
    return copy;
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if ((prototype === Object.prototype || prototype === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
      const copy: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
        copy[key] = jsonCopy(member);
      }
      return copy;
    }
    const text = JSON.stringify(value);
    return text === undefined ? null : JSON.parse(text);
  }
  return null;
}

/**
 * An upper bound of the bytes of a value's UTF-8 JSON text, computed without building the
 * text: every string character counted as the 6 bytes of its longest escape. Stops counting
 * once past `limit`.
 */
export function jsonBytesAtMost(value: unknown, limit: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= limit) {
    const node = stack.pop();
    if (typeof node === 'string') total += node.length * 6 + 2;
    else if (node === null || typeof node !== 'object') total += 24;
    else if (Array.isArray(node)) {
      total += node.length + 2;
      for (const item of node) stack.push(item);
    } else {
      for (const key of Object.keys(node)) {
        total += key.length * 6 + 4;
        stack.push((node as Record<string, unknown>)[key]);
      }
      total += 2;
    }
  }
  return total;
}
