import { readFileSync } from 'node:fs';

/**
 * Reads V8 .cpuprofile files (`node --cpu-prof`) and says where the server's CPU went during one phase.
 * Sample timestamps are CLOCK_MONOTONIC microseconds, the same clock as process.hrtime in the bench, so a
 * phase's window can be cut out of a profile that covers the whole server run (seeding included).
 */
interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: Frame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Window {
  fromUs: number;
  toUs: number;
  requests: number;
}

export interface CostRow {
  name: string;
  ms: number;
  /** Microseconds of server CPU per request of the phase. */
  usPerRequest: number;
  share: number;
}

export interface ProfileSummary {
  busyMs: number;
  windowMs: number;
  usPerRequest: number;
  byArea: CostRow[];
  /** Time with the area anywhere on the stack: what a package or project file costs, callees included. */
  inclusiveByArea: CostRow[];
  selfByFunction: CostRow[];
  inclusiveByFunction: CostRow[];
}

/** Where code lives: a package, a project file, node itself, or V8 (GC, compiled-code "program"). */
function area(frame: Frame): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(frame.url);
  if (pkg) return pkg[1]!;
  const project = /\/dist\/(.+)\.js$/.exec(frame.url);
  if (project) return project[1]!;
  if (frame.url.startsWith('node:')) return frame.url.replace(/^node:(internal\/)?/, 'node:').split('/').slice(0, 2).join('/');
  return frame.url;
}

const label = (frame: Frame) => `${frame.functionName || '(anonymous)'} ${area(frame)}:${frame.lineNumber + 1}`;
const IDLE = new Set(['(idle)', '(root)']);

export function summarizeProfiles(files: string[], window: Window, top = 25): ProfileSummary {
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  const areasInclusive = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let busyUs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    let at = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      at += profile.timeDeltas[i]!;
      // A sample's delta is the time until the next one: attribute it to this sample's stack.
      const us = profile.timeDeltas[i + 1] ?? 0;
      if (at < window.fromUs || at > window.toUs) continue;
      const leaf = byId.get(profile.samples[i]!)!;
      if (IDLE.has(leaf.callFrame.functionName)) continue;
      busyUs += us;
      add(self, label(leaf.callFrame), us);
      add(areas, area(leaf.callFrame), us);
      // Each function once per sample, however deep it recurses.
      const seen = new Set<string>();
      const seenAreas = new Set<string>();
      for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
        const frame = byId.get(id)!.callFrame;
        if (IDLE.has(frame.functionName) || frame.functionName === '(program)') continue;
        const key = label(frame);
        if (!seen.has(key)) add(inclusive, key, us);
        seen.add(key);
        const where = area(frame);
        if (!seenAreas.has(where)) add(areasInclusive, where, us);
        seenAreas.add(where);
      }
    }
  }
  const requests = Math.max(window.requests, 1);
  const rows = (map: Map<string, number>, limit = top): CostRow[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, ms: us / 1000, usPerRequest: us / requests, share: busyUs ? us / busyUs : 0 }));
  return {
    busyMs: busyUs / 1000,
    windowMs: (window.toUs - window.fromUs) / 1000,
    usPerRequest: busyUs / requests,
    byArea: rows(areas),
    inclusiveByArea: rows(areasInclusive, 40),
    selfByFunction: rows(self),
    inclusiveByFunction: rows(inclusive),
  };
}

export function renderProfile(phase: string, summary: ProfileSummary): string {
  const table = (title: string, rows: CostRow[]) => [
    `  ${title}`,
    ...rows.map((row) => `    ${row.usPerRequest.toFixed(1).padStart(8)} us/req  ${(row.share * 100).toFixed(1).padStart(5)} %  ${row.name}`),
  ];
  return [
    `profile of ${phase}: ${summary.busyMs.toFixed(0)} ms CPU busy in a ${summary.windowMs.toFixed(0)} ms window, ${summary.usPerRequest.toFixed(1)} us per request (main thread)`,
    ...table('self time by area', summary.byArea.slice(0, 15)),
    ...table('inclusive time by area (package or project file, callees included)', summary.inclusiveByArea),
    ...table('self time by function', summary.selfByFunction),
    ...table('inclusive time by function', summary.inclusiveByFunction),
  ].join('\n');
}
