/**
 * Mermaid flowchart text that renders the same everywhere: node ids made of
 * letters, digits and `_` only, every label quoted, and the characters
 * Mermaid or HTML would read (`"`, `<`, `>`, `&`, `#`, backtick) written as
 * Mermaid entity codes (`#34;`).
 */

/** The line break inside a label; the only markup a label carries. */
export const LINE_BREAK = "<br/>";

/** Label text with every character Mermaid or HTML would interpret written as an entity code; line breaks become spaces. */
export function escapeLabel(text: string): string {
  return text.replace(/\s+/g, " ").replace(/["<>&#`]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** A quoted label of one or more lines, each escaped. */
export function label(...lines: readonly string[]): string {
  return `"${lines.map(escapeLabel).join(LINE_BREAK)}"`;
}

/** An id from any text: letters, digits and `_`, starting with a letter. */
export function nodeId(...parts: readonly string[]): string {
  const id = parts
    .join("__")
    .replace(/[^A-Za-z0-9_]/g, "_")
    .replace(/^[^A-Za-z]+/, "");
  return id.length > 0 ? id : "node";
}

/** Node shapes used by the diagram. */
export type Shape = "box" | "rounded" | "stadium" | "cylinder" | "hexagon";

const SHAPES: Readonly<Record<Shape, readonly [string, string]>> = {
  box: ["[", "]"],
  rounded: ["(", ")"],
  stadium: ["([", "])"],
  cylinder: ["[(", ")]"],
  hexagon: ["{{", "}}"],
};

/** `id["line 1<br/>line 2"]` in the given shape. */
export function node(id: string, shape: Shape, ...lines: readonly string[]): string {
  const [open, close] = SHAPES[shape];
  return `${id}${open}${label(...lines)}${close}`;
}

/** Link styles used by the diagram. */
export type Link = "arrow" | "both" | "dotted-arrow" | "dotted-line";

const LINKS: Readonly<Record<Link, string>> = {
  arrow: "-->",
  both: "<-->",
  "dotted-arrow": "-.->",
  "dotted-line": "-.-",
};

/** `from -->|"text"| to`. */
export function edge(from: string, link: Link, to: string, text?: string): string {
  return `${from} ${LINKS[link]}${text === undefined ? "" : `|${label(text)}|`} ${to}`;
}
