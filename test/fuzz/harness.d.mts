// Types for harness.mjs (plain ESM JavaScript shared with scripts/fuzz.mjs).
import type { FuzzCase } from "./mutate.mjs";

/** One CLI run. */
export interface CliRun { code: number | null; signal: string | null; stdout: Buffer; stderr: Buffer; stdoutBytes: number; stderrBytes: number; ms: number; timedOut: boolean; spawnError?: boolean }
/** The contract's verdict on a run. */
export interface Verdict { outcome: "ok" | "user" | "refusal" | "internal" | "violation"; problems: string[]; notes: string[]; message: string }
/** Outcome classes, in report order. */
export const OUTCOMES: Verdict["outcome"][];
/** Human names of the outcome classes. */
export const OUTCOME_NAMES: Record<Verdict["outcome"], string>;
/** Runs `node CLI ...args SPEC` with a timeout. */
export function runCli(cli: string, args: string[], spec: string, opts?: { timeoutMs?: number; cwd?: string }): Promise<CliRun>;
/** Whether an error line names a node, field or JSON path. */
export function namesSomething(line: string): boolean;
/** Checks one run against the three-outcomes contract. */
export function checkRun(args: string[], r: CliRun): Verdict;
/** A message with names, numbers and paths masked. */
export function maskMessage(msg: string): string;
/** Runs `fn` over `items`, `concurrency` at a time; heavy items one at a time. */
export function pool<T extends { heavy?: boolean }>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void>;
/** Writes a case's spec under `dir` and returns its path. */
export function writeCase(dir: string, c: FuzzCase): string;
/** A short, escaped excerpt for messages. */
export function excerpt(buf: Buffer | string, max?: number): string;
