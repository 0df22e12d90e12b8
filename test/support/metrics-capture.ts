/** Reads CloudWatch embedded-metric-format lines back out of captured stdout/stderr writes. */
export interface Datum {
  name: string;
  value: unknown;
  dimensions: Record<string, unknown>;
}

/** A datum with the namespace its directive names. */
export interface NamespacedDatum extends Datum {
  namespace: string;
}

/** Every metric in the captured output lines, with its namespace, as CloudWatch would extract it from embedded-metric-format lines. */
export function namespacedMetricsIn(written: readonly string[]): NamespacedDatum[] {
  const lines = written.flatMap((w) => w.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
  return lines
    .filter((l) => l._aws)
    .flatMap((l) =>
      l._aws.CloudWatchMetrics.flatMap((d: any) =>
        d.Metrics.map((m: any) => ({
          namespace: d.Namespace,
          name: m.Name,
          value: l[m.Name],
          dimensions: Object.fromEntries(d.Dimensions[0].map((k: string) => [k, l[k]])),
        })),
      ),
    );
}

/** Every metric in the captured output lines, as CloudWatch would extract it from embedded-metric-format lines. */
export function metricsIn(written: readonly string[]): Datum[] {
  return namespacedMetricsIn(written).map(({ namespace: _namespace, ...datum }) => datum);
}

/** Captures what the process writes to stdout and stderr (restored by `jest.restoreAllMocks()`). */
export function captureWrites(): string[] {
  const written: string[] = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
  return written;
}
