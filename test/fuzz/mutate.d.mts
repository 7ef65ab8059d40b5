// Types for mutate.mjs (plain ESM JavaScript shared with scripts/fuzz.mjs).

/** A course spec: its file name, text and parsed document. */
export interface CourseSpec { file: string; text: string; doc: unknown }
/** One generated fuzz case. */
export interface FuzzCase { seed: number; index: number; base: string; family: string; mutations: string[]; bytes: Buffer; args: string[]; heavy: boolean }
/** mulberry32: a small, fast, seeded 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number;
/** The seed of case `index` of a run seeded with `seed`. */
export function caseSeed(seed: number, index: number): number;
/** Specs of the course used as bases. */
export const COURSE_SPECS: string[];
/** The CLI invocations a case can be run with. */
export const COMMANDS: string[][];
/** Loads the course specs from a directory. */
export function loadCourse(dir: string): CourseSpec[];
/** Case `index` of a run seeded with `seed`. */
export function makeCase(course: CourseSpec[], seed: number, index: number, opts?: { heavyRate?: number }): FuzzCase;
/** A marker for a deeply nested array, expanded when serialised. */
export function deepArray(depth: number, leaf?: unknown): string;
/** A mutation's description for reports. */
export function clip(s: string): string;
