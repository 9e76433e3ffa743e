// Percentiles and the ratio table of the benchmark report.

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Row {
  metric: string;
  small: number;
  large: number;
  unit: string;
  goal?: string;
}

export function printRatioTable(title: string, smallLabel: string, largeLabel: string, rows: readonly Row[]): void {
  const fmt = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));
  console.log(`\n${title}`);
  console.log(`${'metric'.padEnd(30)} ${smallLabel.padStart(12)} ${largeLabel.padStart(12)} ${'ratio'.padStart(8)}  goal`);
  for (const row of rows) {
    const ratio = row.large / row.small;
    console.log(
      `${row.metric.padEnd(30)} ${`${fmt(row.small)} ${row.unit}`.padStart(12)} ${`${fmt(row.large)} ${row.unit}`.padStart(12)} ${ratio.toFixed(2).padStart(8)}  ${row.goal ?? ''}`,
    );
  }
}
