/**
 * Builds DOM elements from data without ever parsing markup: text goes in as text nodes, so an
 * approval's summary, a reviewer's comment or a server message can never become HTML.
 */

/**
 * An element with attributes, event listeners (`onclick`, `onsubmit`, ...) and children
 * (nodes, or strings and numbers appended as text; null, undefined and false skipped; arrays flattened).
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  appendAll(element, children);
  return element;
}

/** Appends children as {@link h} takes them. */
export function appendAll(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the children of `parent`. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  appendAll(parent, children);
}
