// Types of scripts/build.mjs for the TypeScript that imports it (the bench).
export declare const root: string;
export declare const distDir: string;
export declare function isBuildCurrent(): boolean;
export declare function build(options?: { quiet?: boolean }): Promise<void>;
export declare function ensureBuilt(options?: { quiet?: boolean }): Promise<boolean>;
export declare function buildEntry(options: { entry: string; outdir: string; quiet?: boolean }): Promise<string>;
