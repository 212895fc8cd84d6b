// Stub so the shell loads; ui-console replaces it with the console pages (issue 17).
export function register(_route) {}
