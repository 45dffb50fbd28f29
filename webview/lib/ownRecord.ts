// Reading records keyed by trace data (labels, tools, parameters, configuration labels,
// conversation ids): only own properties count, so that a label named `toString` or a
// conversation id `constructor` reads as absent rather than as Object.prototype's function.

export function own<T>(record: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return record && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
