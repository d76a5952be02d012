export function productionRuntime(): { env: Record<string, string>; flags: string[] };
