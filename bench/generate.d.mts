// Types of bench/generate.mjs, for the tests that use its generator.
export declare const ZONE: string;
export declare const DEFAULT_SEED: number;
export declare const NOW: string;
export declare const DATA_DIR: string;
export declare const DATASETS: Record<string, number>;
export declare function dataPath(name: string): string;
export declare function mulberry32(seed: number): () => number;
export declare function generateRegimen(opts?: { years?: number; seed?: number; now?: string }): string;
export declare function writeDatasets(opts?: { seed?: number; now?: string }): Record<string, { entries: number; bytes: number }>;
export declare function countEntries(text: string): number;
