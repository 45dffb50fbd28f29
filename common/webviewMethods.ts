// The method names of the report and compare protocols without their zod schemas: what the
// webview's RPC client needs to send requests and route notifications. The report bundle uses
// these tables so that it carries no zod (the host parses every request; what the host sends is
// already validated, see common/webviewProtocol.ts). `satisfies` keeps them equal to the protocols.
import type { AnyWebviewProtocol, CompareProtocol, ReportProtocol } from './webviewProtocol';

/** Each key of a protocol with its kind and method name only. */
export type MethodTable<T extends AnyWebviewProtocol> = {
  readonly [K in keyof T]: { readonly kind: T[K]['kind']; readonly method: T[K]['method'] };
};

export const reportMethods = {
  init: { kind: 'request', method: 'report/init' },
  ready: { kind: 'request', method: 'report/ready' },
  refresh: { kind: 'request', method: 'report/refresh' },
  cancel: { kind: 'request', method: 'report/cancel' },
  resume: { kind: 'request', method: 'report/resume' },
  setActive: { kind: 'request', method: 'report/setActive' },
  openTraceLocation: { kind: 'request', method: 'report/openTraceLocation' },
  export: { kind: 'request', method: 'report/export' },
  compare: { kind: 'request', method: 'report/compare' },
  review: { kind: 'request', method: 'report/review' },
  updateInfo: { kind: 'request', method: 'report/updateInfo' },
  comment: { kind: 'request', method: 'report/comment' },
  snapshot: { kind: 'notification', method: 'report/snapshot' },
  deleted: { kind: 'notification', method: 'report/deleted' },
  firstState: { kind: 'notification', method: 'report/firstState' },
} as const satisfies MethodTable<typeof ReportProtocol>;

export const compareMethods = {
  init: { kind: 'request', method: 'compare/init' },
  setExperiments: { kind: 'request', method: 'compare/setExperiments' },
  openReport: { kind: 'request', method: 'compare/openReport' },
  openTraceLocation: { kind: 'request', method: 'compare/openTraceLocation' },
  experiments: { kind: 'notification', method: 'compare/experiments' },
} as const satisfies MethodTable<typeof CompareProtocol>;
