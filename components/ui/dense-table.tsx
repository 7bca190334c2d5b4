// What the dense tables (overview, schedules, jobs) tell TanStack Table about each column besides its cells,
// and the <style> that fits them to their box by priority (./column-fit.ts).
import type { Column, RowData, TableFeatures } from '@tanstack/react-table';
import { columnFitCss, type FitColumn } from './column-fit';

export type DenseColumnMeta<TData> = {
  /** the header's words, also the Columns menu's */
  label: string;
  title?: string;
  /** rough width in rem, padding included: what the column needs from the box */
  width: number;
  /** 0: always shown; 1, 2…: the order in which columns get room as the box widens */
  priority: number;
  headerClassName?: string;
  cellClassName?: string | ((row: TData, value: unknown) => string | false | undefined);
};

/** The visible columns' widths and priorities, in table order. */
export function fitColumnsOf<TFeatures extends TableFeatures, TData extends RowData>(columns: Array<Column<TFeatures, TData, unknown>>): FitColumn[] {
  return columns.map((column) => {
    const meta = column.columnDef.meta as DenseColumnMeta<TData> | undefined;
    return { id: column.id, width: meta?.width ?? 0, priority: meta?.priority ?? 0 };
  });
}

/** The container queries of a table marked data-fit={scope}; render it inside the table's @container box. */
export function ColumnFitStyle({ scope, columns }: { scope: string; columns: FitColumn[] }) {
  return <style>{columnFitCss(scope, columns)}</style>;
}
