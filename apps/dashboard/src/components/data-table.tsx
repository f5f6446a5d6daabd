import type { ReactNode } from 'react';

/**
 * Every list in the dashboard is this table: column headers scoped for screen readers, then the rows the page
 * renders (`<tr>`s whose naming cell is a `<th scope="row">`). `wide` tables scroll sideways on narrow screens;
 * `caption` names a table that has no heading of its own.
 */
export function DataTable({ columns, caption, wide, children }: { columns: readonly string[]; caption?: string; wide?: boolean; children: ReactNode }) {
  const table = (
    <table>
      {caption && <caption className="sr-only">{caption}</caption>}
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
  return wide ? <div className="table-wrap">{table}</div> : table;
}
