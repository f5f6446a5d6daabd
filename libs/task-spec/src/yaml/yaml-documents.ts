import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { TaskProblem } from '../types/task-spec.types';
import { withPyyamlScalars } from './pyyaml-scalars';

export interface YamlDocument {
  /** 1-based index of the document in the file. */
  index: number;
  value: unknown;
  /** Line and column (1-based) of the key or value at a path, for error messages. */
  positionOf(path: readonly (string | number)[]): { line: number; column: number } | undefined;
}

export type YamlParseResult = { ok: true; documents: YamlDocument[] } | { ok: false; problems: TaskProblem[] };

/**
 * Parses every YAML document in the text. Syntax errors come back as problems with line and column; empty
 * documents (a leading `---`, trailing comments) are dropped.
 */
export function parseYamlDocuments(text: string): YamlParseResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true, customTags: withPyyamlScalars });
  const list = Array.isArray(docs) ? docs : [];
  const problems: TaskProblem[] = [];
  const documents: YamlDocument[] = [];
  list.forEach((doc, i) => {
    for (const error of doc.errors) {
      const pos = lineCounter.linePos(error.pos[0]);
      problems.push({
        path: '',
        message: `YAML syntax error: ${firstLine(error.message)}`,
        line: pos.line,
        column: pos.col,
        ...(list.length > 1 ? { document: i + 1 } : {}),
      });
    }
    if (doc.errors.length) return;
    if (doc.contents === null) return;
    documents.push({
      index: documents.length + 1,
      value: doc.toJS({ maxAliasCount: 100 }) as unknown,
      positionOf: (path) => positionOf(doc, lineCounter, path),
    });
  });
  if (problems.length) return { ok: false, problems };
  return { ok: true, documents };
}

function firstLine(message: string): string {
  // The yaml package appends "at line L, column C" and a code excerpt; we report the position ourselves.
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function positionOf(doc: Document, lineCounter: LineCounter, path: readonly (string | number)[]) {
  let node: unknown = doc.contents;
  let located: Node | undefined = isNodeLike(node) ? node : undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      located = (pair.key as Node) ?? located;
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(String(segment))) {
      const item = node.items[Number(segment)];
      if (!item) break;
      node = item;
      located = isNodeLike(item) ? item : located;
    } else {
      break;
    }
  }
  const offset = located?.range?.[0];
  if (offset === undefined) return undefined;
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function isNodeLike(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}
